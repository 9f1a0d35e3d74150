// mdbook-terms: previews of glossary definitions, read from the page's hidden .terms-defs block.
(function () {
  "use strict";
  if (window.__mdbookTerms) return;
  window.__mdbookTerms = true;
  window.livingrefPreview({
    selector: "a.term",
    id: "terms-preview",
    className: "terms-preview",
    content: function (link) {
      var id = link.getAttribute("data-term");
      var defs = document.querySelectorAll(".terms-defs [data-term-def]");
      for (var i = 0; i < defs.length; i++) {
        if (defs[i].getAttribute("data-term-def") === id) return defs[i];
      }
      return null;
    }
  });
})();
