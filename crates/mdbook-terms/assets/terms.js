// mdbook-terms: previews of glossary definitions, read from the page's .terms-defs block (a
// script of type text/html, so search indexes and screen readers skip it), parsed once.
(function () {
  "use strict";
  if (window.__mdbookTerms) return;
  window.__mdbookTerms = true;
  var parsed = null;
  function definitions() {
    if (!parsed) {
      parsed = document.createElement("div");
      document.querySelectorAll("script.terms-defs").forEach(function (s) {
        parsed.insertAdjacentHTML("beforeend", s.textContent);
      });
      // Links in definitions are written from the book root (one copy serves every page);
      // mdBook's own `path_to_root` leads there from this page.
      var root = typeof path_to_root === "string" ? path_to_root : "";
      parsed.querySelectorAll("a[href]").forEach(function (a) {
        var href = a.getAttribute("href");
        if (!/^([a-z][a-z0-9+.-]*:|\/|#|\?)/i.test(href)) a.setAttribute("href", root + href);
      });
    }
    return parsed;
  }
  window.livingrefPreview({
    selector: "a.term",
    id: "terms-preview",
    className: "terms-preview",
    content: function (link) {
      var id = link.getAttribute("data-term");
      var defs = definitions().querySelectorAll("[data-term-def]");
      for (var i = 0; i < defs.length; i++) {
        if (defs[i].getAttribute("data-term-def") === id) return defs[i];
      }
      return null;
    }
  });
})();
