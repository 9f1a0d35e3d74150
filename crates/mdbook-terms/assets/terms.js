// mdbook-terms: show a glossary term's definition on hover, keyboard focus and tap.
// Definitions come from the page itself (a hidden .terms-defs block); nothing is fetched.
(function () {
  "use strict";
  if (window.__mdbookTerms) return;
  window.__mdbookTerms = true;
  var preview = null, owner = null, hideTimer = null;

  function definition(id) {
    var defs = document.querySelectorAll(".terms-defs [data-term-def]");
    for (var i = 0; i < defs.length; i++) {
      if (defs[i].getAttribute("data-term-def") === id) return defs[i];
    }
    return null;
  }
  function hide() {
    if (preview) preview.remove();
    if (owner) owner.removeAttribute("aria-describedby");
    preview = null; owner = null;
  }
  function show(link) {
    var def = definition(link.getAttribute("data-term"));
    if (!def || owner === link) return;
    hide();
    preview = document.createElement("div");
    preview.className = "terms-preview";
    preview.id = "terms-preview";
    preview.setAttribute("role", "tooltip");
    preview.innerHTML = def.innerHTML;
    preview.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    preview.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(preview);
    var r = link.getBoundingClientRect();
    var left = Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
    preview.style.left = Math.max(window.scrollX + 8, left) + "px";
    preview.style.top = (r.bottom + window.scrollY + 6) + "px";
    link.setAttribute("aria-describedby", "terms-preview");
    // The plain-text title would duplicate the preview; keep it for no-JS readers only.
    if (link.title) { link.setAttribute("data-title", link.title); link.removeAttribute("title"); }
    owner = link;
    if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(["Typeset", window.MathJax.Hub, preview]);
  }
  function scheduleHide() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 200); }
  function termOf(node) { return node && node.closest ? node.closest("a.term") : null; }

  // Hover is for mice and pens; a touch also fires compatibility mouse events, which must not
  // count as a hover (or the first tap would both show the preview and follow the link).
  var lastPointer = "mouse", armed = null;
  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
  document.addEventListener("pointerover", function (e) {
    var t = termOf(e.target);
    if (t && e.pointerType !== "touch") { clearTimeout(hideTimer); show(t); }
  });
  document.addEventListener("pointerout", function (e) {
    if (e.pointerType !== "touch" && termOf(e.target)) scheduleHide();
  });
  document.addEventListener("focusin", function (e) { var t = termOf(e.target); if (t && lastPointer !== "touch") show(t); });
  document.addEventListener("focusout", function (e) { if (termOf(e.target) && lastPointer !== "touch") hide(); });
  document.addEventListener("keydown", function (e) {
    lastPointer = "keyboard";
    if (e.key === "Escape") hide();
  });
  // Touch: the first tap on a term shows its definition, a second tap follows the link.
  document.addEventListener("click", function (e) {
    var t = termOf(e.target);
    if (t && (e.pointerType || lastPointer) === "touch") {
      if (armed !== t) { e.preventDefault(); armed = t; hide(); show(t); }
      return;
    }
    if (!t && preview && !preview.contains(e.target)) { hide(); armed = null; }
  });
})();
