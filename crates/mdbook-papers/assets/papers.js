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
  function copied(button) {
    var label = button.textContent;
    button.textContent = "✓";
    setTimeout(function () { button.textContent = label; }, 1200);
  }
  // No clipboard API (a page served over plain http from another machine) or no permission:
  // show the entry selected in a text box beside the button, so Ctrl+C copies it.
  function fallback(button, text) {
    var box = button.nextElementSibling;
    if (!box || !box.classList.contains("paper-bibtex-text")) {
      box = document.createElement("textarea");
      box.className = "paper-bibtex-text";
      box.readOnly = true;
      box.rows = Math.min(12, text.split("\n").length);
      box.value = text;
      box.setAttribute("aria-label", "BibTeX");
      button.parentNode.insertBefore(box, button.nextSibling);
    }
    box.focus();
    box.select();
    try {
      if (document.execCommand && document.execCommand("copy")) copied(button);
    } catch (err) { /* the selection is there to copy by hand */ }
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".paper-copy") : null;
    if (!button) return;
    var text = button.getAttribute("data-bibtex");
    if (!navigator.clipboard || !window.isSecureContext) return fallback(button, text);
    navigator.clipboard.writeText(text).then(
      function () { copied(button); },
      function () { fallback(button, text); }
    );
  });
})();
