// The exam's answer sheet on a narrow screen: an offcanvas panel (Bootstrap's offcanvas-lg) opened
// by the floating 答题卡 button. Choosing a number closes the panel first, then goes to that question
// and puts focus on it (Bootstrap would otherwise hand focus back to the button that opened it).
(function () {
  "use strict";
  var sheet = document.getElementById("answer-sheet");
  if (!sheet || !window.bootstrap) return;
  sheet.addEventListener("click", function (ev) {
    var link = ev.target.closest("a[href^='#q-']");
    if (!link || !sheet.classList.contains("show")) return;  // wide screens: a plain in-page link
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    ev.preventDefault();
    sheet.addEventListener("hidden.bs.offcanvas", function () {
      history.replaceState(null, "", "#" + target.id);
      target.scrollIntoView({block: "start"});
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({preventScroll: true});
    }, {once: true});
    bootstrap.Offcanvas.getOrCreateInstance(sheet).hide();
  });
})();
