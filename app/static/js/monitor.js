// Live monitor: confirm extend/close/release forms, tick the countdowns, refresh the table every
// 20 seconds (never while a form in it has focus). A static file: the page's CSP forbids inline script.
(function () {
  "use strict";
  var box = document.getElementById("monitor-table");
  if (!box) return;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  function tick() {
    box.querySelectorAll(".countdown").forEach(function (el) {
      var s = Math.max(0, parseInt(el.dataset.seconds, 10) - 1);
      el.dataset.seconds = s;
      el.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    });
  }
  function refresh() {
    if (box.contains(document.activeElement)) return;  // never replace a form being filled in
    var url = new URL(window.location.href);
    url.searchParams.set("fragment", "1");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html && !box.contains(document.activeElement)) box.innerHTML = html; })
      .catch(function () {});
  }
  setInterval(tick, 1000);
  setInterval(refresh, 20000);
})();
