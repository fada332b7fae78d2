// Mark the section being read in the chapter's table of contents (sidebar and the phone's list):
// the last heading that has scrolled above the top third of the screen is the current one.
(function () {
  "use strict";
  function setup() {
    var links = Array.prototype.slice.call(document.querySelectorAll("nav.toc a[href^='#']"));
    if (!links.length) return;
    var headings = [];
    links.forEach(function (link) {
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (target && headings.indexOf(target) < 0) headings.push(target);
    });
    var current = null;
    function update() {
      var line = window.innerHeight / 3;
      var found = headings.length ? headings[0] : null;
      for (var i = 0; i < headings.length; i++) {
        if (headings[i].getBoundingClientRect().top <= line) found = headings[i];
        else break;
      }
      var id = found ? found.id : null;
      if (id === current) return;
      current = id;
      links.forEach(function (link) {
        var on = decodeURIComponent(link.getAttribute("href").slice(1)) === id;
        link.classList.toggle("active", on);
        if (on) link.setAttribute("aria-current", "location");
        else link.removeAttribute("aria-current");
      });
      document.documentElement.setAttribute("data-toc-current", id || "");
    }
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; update(); });
    }, { passive: true });
    window.addEventListener("hashchange", update);
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
