// livingref: one preview widget, shared by glossary terms and citations. What it shows comes
// from the page itself; nothing is fetched. A page may include it twice (two plugins): the
// second copy does nothing.
(function () {
  "use strict";
  if (window.livingrefPreview) return;
  // Hover is for mice and pens. A touch also fires compatibility mouse events, which must not
  // count as a hover, or the first tap would both show the preview and follow the link.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
  document.addEventListener("keydown", function () { lastPointer = "keyboard"; }, true);

  // o.selector: links that preview; o.id and o.className: of the preview element;
  // o.content(link): the element whose contents to show (or null); o.strip: a selector of
  // parts left out of the copy.
  window.livingrefPreview = function (o) {
    var preview = null, owner = null, timer = null, armed = null;
    function hide() {
      if (preview) preview.remove();
      if (owner) owner.removeAttribute("aria-describedby");
      preview = null; owner = null;
    }
    function later() { clearTimeout(timer); timer = setTimeout(hide, 200); }
    function show(link) {
      var source = o.content(link);
      if (!source || owner === link) return;
      hide();
      preview = document.createElement("div");
      preview.className = "livingref-preview " + o.className;
      preview.id = o.id;
      preview.setAttribute("role", "tooltip");
      preview.innerHTML = source.innerHTML;
      if (o.strip) preview.querySelectorAll(o.strip).forEach(function (n) { n.remove(); });
      preview.addEventListener("mouseenter", function () { clearTimeout(timer); });
      preview.addEventListener("mouseleave", later);
      document.body.appendChild(preview);
      var r = link.getBoundingClientRect();
      var left = Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
      preview.style.left = Math.max(window.scrollX + 8, left) + "px";
      preview.style.top = (r.bottom + window.scrollY + 6) + "px";
      link.setAttribute("aria-describedby", o.id);
      // The plain-text title would duplicate the preview; it stays for readers without JS.
      if (link.title) { link.setAttribute("data-title", link.title); link.removeAttribute("title"); }
      owner = link;
      if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(["Typeset", window.MathJax.Hub, preview]);
    }
    function of(node) { return node && node.closest ? node.closest(o.selector) : null; }

    document.addEventListener("pointerover", function (e) {
      var l = of(e.target);
      if (l && e.pointerType !== "touch") { clearTimeout(timer); show(l); }
    });
    document.addEventListener("pointerout", function (e) { if (e.pointerType !== "touch" && of(e.target)) later(); });
    document.addEventListener("focusin", function (e) { var l = of(e.target); if (l && lastPointer !== "touch") show(l); });
    document.addEventListener("focusout", function (e) { if (of(e.target) && lastPointer !== "touch") hide(); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    // Touch: the first tap on a link shows its preview, a second tap follows it.
    document.addEventListener("click", function (e) {
      var l = of(e.target);
      if (l && (e.pointerType || lastPointer) === "touch") {
        if (armed !== l) { e.preventDefault(); armed = l; hide(); show(l); }
        return;
      }
      if (!l && preview && !preview.contains(e.target)) { hide(); armed = null; }
    });
  };
})();
