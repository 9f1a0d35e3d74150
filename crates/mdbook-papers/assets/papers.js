// mdbook-papers: citation previews (from the References list a citation links to) and the
// copy-BibTeX buttons (the entry is in the button; nothing is fetched).
(function () {
  "use strict";
  if (window.__mdbookPapers) return;
  window.__mdbookPapers = true;
  window.livingrefPreview({
    selector: "a.cite",
    id: "papers-preview",
    className: "papers-preview",
    strip: ".paper-copy",
    content: function (cite) {
      return document.getElementById(decodeURIComponent((cite.getAttribute("href") || "").slice(1)));
    }
  });
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
