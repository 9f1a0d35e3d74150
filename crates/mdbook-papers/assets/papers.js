// mdbook-papers: the copy-BibTeX buttons. Nothing is fetched; the entry is in the button.
(function () {
  "use strict";
  if (window.__mdbookPapers) return;
  window.__mdbookPapers = true;
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".paper-copy") : null;
    if (!button || !navigator.clipboard) return;
    var label = button.textContent;
    navigator.clipboard.writeText(button.getAttribute("data-bibtex")).then(function () {
      button.textContent = "✓";
      setTimeout(function () { button.textContent = label; }, 1200);
    });
  });
})();
