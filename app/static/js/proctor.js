// Exam page proctoring signals: leaving the page, losing focus, coming back, leaving full screen
// and pasting are reported to /api/v1/attempts/<id>/events for the proctor's live monitor.
// They are signals, never penalties. Optional: a full-screen gate (require_fullscreen) and a
// polite warning after N focus losses (focus_warning_after).
(function () {
  "use strict";
  var configEl = document.getElementById("proctor-config");
  if (!configEl) return;
  var config = JSON.parse(configEl.textContent);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var url = "/api/v1/attempts/" + config.attempt_id + "/events";
  var losses = config.focus_lost || 0;
  var away = false;
  var stopped = false;  // the server stopped taking events (submitted, over the cap)

  function report(kind) {
    if (stopped) return;
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfMeta ? csrfMeta.content : csrf },
      body: JSON.stringify({ kind: kind }),
    }).then(function (res) {
      if (res.status === 409 || res.status === 429) stopped = true;
    }).catch(function () { /* offline: the signal is lost, the exam goes on */ });
  }

  function warn() {
    var box = document.getElementById("focus-warning");
    if (!box || !config.warn_after || losses < config.warn_after) return;
    box.textContent = config.text.warning.replace("{n}", String(losses));
    box.classList.remove("d-none");
  }

  // blur and visibilitychange both fire when the student switches away: count one loss.
  function lost() {
    if (away) return;
    away = true;
    losses += 1;
    report("focus_lost");
  }
  function back() {
    if (!away) return;
    away = false;
    report("focus_back");
    warn();
  }
  window.addEventListener("blur", lost);
  window.addEventListener("focus", back);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") lost(); else back();
  });
  document.addEventListener("paste", function () { report("paste"); }, true);
  warn();

  // --- full screen ----------------------------------------------------------------------
  var gate = document.getElementById("fullscreen-gate");
  if (!config.require_fullscreen || !gate) return;
  var button = document.getElementById("fullscreen-btn");
  var app = document.getElementById("exam-app");
  function inFullscreen() { return !!(document.fullscreenElement || document.webkitFullscreenElement); }
  // The gate's own state decides what a change means: the events for entering and leaving may
  // arrive late (after the request's promise, or after the student already left again), and
  // Chromium fires both the prefixed and the unprefixed event, so neither the event nor its
  // order can be trusted. An exit is reported when the gate was down and the page is not full
  // screen; the gate comes down only while the page is full screen.
  var gateShown = false;
  function showGate() {
    gateShown = true;
    gate.classList.remove("d-none");
    gate.classList.add("d-flex");
    if (app) app.setAttribute("inert", "");
    button.focus();
  }
  function hideGate() {
    gateShown = false;
    gate.classList.add("d-none");
    gate.classList.remove("d-flex");
    if (app) app.removeAttribute("inert");
  }
  function sync() {
    if (inFullscreen()) { if (gateShown) hideGate(); return; }
    if (gateShown) return;
    report("fullscreen_exit");
    showGate();
  }
  button.addEventListener("click", function () {
    var root = document.documentElement;
    var request = root.requestFullscreen || root.webkitRequestFullscreen;
    if (!request) { hideGate(); return; }  // no Fullscreen API (some tablets): do not lock the student out
    var result = request.call(root);
    if (result && result.then) result.then(sync, function () { /* refused: the gate stays */ });
    else sync();
  });
  document.addEventListener("fullscreenchange", sync);
  document.addEventListener("webkitfullscreenchange", sync);
  if (inFullscreen()) hideGate(); else showGate();
})();
