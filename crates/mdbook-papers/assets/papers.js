// mdbook-papers: citation previews (hover, keyboard focus) and copy-BibTeX buttons.
// Everything comes from the page itself: the reference list item a citation links to.
(function () {
  "use strict";
  if (window.__mdbookPapers) return;
  window.__mdbookPapers = true;
  var preview = null, owner = null, timer = null;

  function hide() {
    if (preview) preview.remove();
    if (owner) owner.removeAttribute("aria-describedby");
    preview = null; owner = null;
  }
  function show(cite) {
    if (owner === cite) return;
    var target = document.getElementById(decodeURIComponent((cite.getAttribute("href") || "").slice(1)));
    if (!target) return;
    hide();
    preview = document.createElement("div");
    preview.className = "papers-preview";
    preview.id = "papers-preview";
    preview.setAttribute("role", "tooltip");
    preview.innerHTML = target.innerHTML;
    var copy = preview.querySelector(".paper-copy");
    if (copy) copy.remove();
    preview.addEventListener("mouseenter", function () { clearTimeout(timer); });
    preview.addEventListener("mouseleave", later);
    document.body.appendChild(preview);
    var r = cite.getBoundingClientRect();
    var left = Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
    preview.style.left = Math.max(window.scrollX + 8, left) + "px";
    preview.style.top = (r.bottom + window.scrollY + 6) + "px";
    cite.setAttribute("aria-describedby", "papers-preview");
    if (cite.title) { cite.setAttribute("data-title", cite.title); cite.removeAttribute("title"); }
    owner = cite;
  }
  function later() { clearTimeout(timer); timer = setTimeout(hide, 200); }
  function citeOf(node) { return node && node.closest ? node.closest("a.cite") : null; }

  document.addEventListener("pointerover", function (e) { var c = citeOf(e.target); if (c && e.pointerType !== "touch") { clearTimeout(timer); show(c); } });
  document.addEventListener("pointerout", function (e) { if (e.pointerType !== "touch" && citeOf(e.target)) later(); });
  document.addEventListener("focusin", function (e) { var c = citeOf(e.target); if (c) show(c); });
  document.addEventListener("focusout", function (e) { if (citeOf(e.target)) hide(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
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
