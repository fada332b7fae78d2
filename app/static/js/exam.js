// Exam page: autosave every change through the JSON API, keep a local copy until the server
// acknowledges it, count down to the server's deadline, and submit with confirmation.
(function () {
  "use strict";
  var app = document.getElementById("exam-app");
  if (!app) return;
  var attemptId = app.dataset.attemptId;
  var reviewUrl = app.dataset.reviewUrl;
  var state = JSON.parse(document.getElementById("exam-state").textContent);
  var text = JSON.parse(document.getElementById("exam-text").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var storeKey = "crm-attempt-" + attemptId;
  var sections = Array.prototype.slice.call(document.querySelectorAll(".exam-question"));
  var byQid = {};
  var seqs = {};
  var flags = {};
  var inflight = {};
  var again = {};
  var timers = {};
  var failures = 0;
  var closed = false;
  var submitting = false;

  function loadLocal() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  var local = loadLocal();
  function persistLocal() {
    try { localStorage.setItem(storeKey, JSON.stringify(local)); } catch (e) { /* storage full or disabled */ }
  }

  // --- reading and writing a question's inputs ------------------------------------------
  // Each question type brings its own module (app/question_types/<type>/<type>.js, and
  // exam_case.js for case items), loaded before this file: read(section) gives the response or
  // null, apply(section, response) shows a saved one, optional init(section, changed) wires the
  // type's own controls, optional close(section) disables them when the attempt closes.
  var types = window.CRMQuestionTypes || {};
  function typeOf(section) {
    return types[section.dataset.type] || null;
  }

  function readResponse(section) {
    var type = typeOf(section);
    return type ? type.read(section) : null;
  }

  function applyResponse(section, response) {
    if (response === null || response === undefined) return;
    var type = typeOf(section);
    if (type) type.apply(section, response);
  }

  function isAnswered(section) {
    return readResponse(section) !== null;
  }

  // --- status display --------------------------------------------------------------------
  function setStatus(section, label, cls) {
    var el = section.querySelector(".save-status");
    el.textContent = label;
    el.className = "save-status small me-2 " + (cls || "text-muted");
  }

  function pendingCount() {
    return Object.keys(local).length;
  }

  function updateGlobal() {
    var answered = 0;
    sections.forEach(function (section) {
      var qid = section.dataset.qid;
      var done = isAnswered(section);
      if (done) answered += 1;
      var nav = document.querySelector('#navigator [data-qid="' + CSS.escape(qid) + '"]');
      if (nav) {
        nav.className = "btn btn-sm " + (flags[qid] ? "btn-warning flagged" : (done ? "btn-primary" : "btn-outline-secondary"));
        nav.setAttribute("aria-label", nav.title + (done ? "" : text.nav_unanswered) + (flags[qid] ? text.nav_flagged : ""));
      }
      var flagBtn = section.querySelector(".flag-btn");
      flagBtn.setAttribute("aria-pressed", flags[qid] ? "true" : "false");
      flagBtn.classList.toggle("active", !!flags[qid]);
    });
    document.getElementById("answered-count").textContent = String(answered);
    var progress = document.getElementById("progress");
    progress.setAttribute("aria-valuenow", String(answered));
    progress.firstElementChild.style.width = (sections.length ? (100 * answered / sections.length) : 0) + "%";
    var saveState = document.getElementById("save-state");
    if (closed) return;
    if (failures > 0 && pendingCount() > 0) {
      saveState.textContent = text.retrying;
      saveState.className = "save-state small text-danger";
      document.getElementById("save-warning").classList.remove("d-none");
    } else {
      saveState.textContent = pendingCount() > 0 ? text.saving : text.saved;
      saveState.className = "save-state small " + (pendingCount() > 0 ? "text-muted" : "text-success");
      document.getElementById("save-warning").classList.add("d-none");
    }
  }

  // --- saving ----------------------------------------------------------------------------
  function recordChange(section) {
    var qid = section.dataset.qid;
    seqs[qid] = (seqs[qid] || 0) + 1;
    local[qid] = { response: readResponse(section), seq: seqs[qid], flagged: !!flags[qid] };
    persistLocal();
    setStatus(section, text.unsaved);
    updateGlobal();
    clearTimeout(timers[qid]);
    timers[qid] = setTimeout(function () { send(qid); }, 600);
  }

  function send(qid) {
    if (closed || !local[qid]) return Promise.resolve();
    if (inflight[qid]) { again[qid] = true; return inflight[qid]; }
    var entry = local[qid];
    var section = byQid[qid];
    setStatus(section, text.saving);
    var request = fetch("/api/v1/attempts/" + attemptId + "/answers/" + encodeURIComponent(qid), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ response: entry.response, seq: entry.seq, flagged: entry.flagged }),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) { return { status: res.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        failures = 0;
        if (local[qid] && local[qid].seq <= entry.seq) { delete local[qid]; persistLocal(); }
        section.querySelector(".answer-error").textContent = "";
        setStatus(section, text.saved, "text-success");
      } else if (result.status === 409) {
        onClosed(result.body.error || text.closed);
      } else if (result.status === 422) {
        // The server will never accept this response: show why and stop retrying it.
        section.querySelector(".answer-error").textContent = result.body.error || "";
        if (local[qid] && local[qid].seq <= entry.seq) { delete local[qid]; persistLocal(); }
        setStatus(section, text.unsaved, "text-danger");
      } else {
        // 403: refused by the exam-room rules (paused exam, network, device); keep the local copy and retry.
        if (result.status === 403 && result.body.error) document.getElementById("save-warning").textContent = result.body.error;
        // 401: this session was ended (logged out elsewhere, password changed); the answers stay here until a new login.
        if (result.status === 401) document.getElementById("save-warning").textContent = text.logged_out;
        if (result.status === 401 || result.status === 400) sessionStale = true;
        throw new Error("HTTP " + result.status);
      }
    }).catch(function () {
      failures += 1;
      setStatus(section, text.saved_local, "text-warning");
      scheduleRetry();
    }).then(function () {
      inflight[qid] = null;
      updateGlobal();
      if (again[qid]) { again[qid] = false; return send(qid); }
    });
    inflight[qid] = request;
    return request;
  }

  var retryTimer = null;
  function scheduleRetry() {
    if (retryTimer || closed) return;
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5)));
    retryTimer = setTimeout(function () { retryTimer = null; flushAll(); }, delay);
  }

  // After a 401 (session ended) or a 400 (CSRF token of an older session), a new login in another
  // tab gives this page a new session cookie: fetch its CSRF token before resending.
  var sessionStale = false;
  function refreshToken() {
    return fetch("/api/v1/session", { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) return;
      return res.json().then(function (body) {
        if (!body.csrf_token) return;
        csrf = body.csrf_token;
        document.querySelector('meta[name="csrf-token"]').content = csrf;
        sessionStale = false;
      });
    }).catch(function () { /* offline: try again with the next resend */ });
  }

  function flushAll() {
    var ready = sessionStale ? refreshToken() : Promise.resolve();
    return ready.then(function () {
      return Promise.all(Object.keys(local).map(function (qid) {
        clearTimeout(timers[qid]);
        return byQid[qid] ? send(qid) : (delete local[qid], Promise.resolve());
      }));
    });
  }

  function onClosed(message) {
    if (closed) return;
    closed = true;
    local = {};
    persistLocal();
    var saveState = document.getElementById("save-state");
    saveState.textContent = message;
    saveState.className = "save-state small text-danger";
    app.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = true; });
    sections.forEach(function (section) {
      var type = typeOf(section);
      if (type && type.close) type.close(section);
    });
    setTimeout(function () { window.location.href = reviewUrl; }, 1500);
  }

  // --- submitting ------------------------------------------------------------------------
  function doSubmit() {
    if (submitting) return;
    submitting = true;
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 10000); });
    Promise.race([flushAll(), timeout]).then(function () {
      return fetch("/api/v1/attempts/" + attemptId + "/submit", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
      });
    }).then(function (res) {
      if (res.status === 401) { sessionStale = true; throw new Error(text.logged_out); }
      if (!res.ok && res.status !== 409) throw new Error("HTTP " + res.status);
      closed = true;
      local = {};
      persistLocal();
      window.location.href = reviewUrl;
    }).catch(function (err) {
      submitting = false;
      window.alert(err && err.message === text.logged_out ? text.logged_out : text.submit_failed);
    });
  }

  // The 交卷 button that opened the dialog: focus goes back to it when the dialog closes without
  // submitting (Escape, 继续作答, ×); Bootstrap only does that for data-api triggers, and focus
  // would otherwise fall to <body>, the start of the page for a keyboard user.
  var submitOpener = null;
  function askSubmit(ev) {
    submitOpener = ev && ev.currentTarget ? ev.currentTarget : document.getElementById("submit-btn");
    var unanswered = sections.filter(function (s) { return !isAnswered(s); }).length;
    document.getElementById("confirm-text").textContent = unanswered
      ? text.unanswered.replace("{n}", String(unanswered)) : text.all_answered;
    var modal = window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(document.getElementById("confirm-modal")) : null;
    if (modal) modal.show(); else if (window.confirm(document.getElementById("confirm-text").textContent)) doSubmit();
  }

  // --- countdown -------------------------------------------------------------------------
  var offset = Date.parse(state.server_time) - Date.now();
  var deadline = state.deadline ? Date.parse(state.deadline) : null;
  function tick() {
    var el = document.getElementById("countdown");
    if (!el || deadline === null) return;
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    el.classList.toggle("text-danger", left < 300);
    if (left === 0 && !submitting && !closed) {
      document.getElementById("save-state").textContent = text.time_up;
      doSubmit();
    }
  }

  function resync() {
    fetch("/api/v1/attempts/" + attemptId, { credentials: "same-origin" }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (body) {
      if (!body) return;
      offset = Date.parse(body.server_time) - Date.now();
      deadline = body.deadline ? Date.parse(body.deadline) : null;
      if (body.status !== "in_progress") onClosed(text.closed);
    }).catch(function () { /* offline: the local copy keeps the answers */ });
  }

  // --- wiring ----------------------------------------------------------------------------
  sections.forEach(function (section) {
    var qid = section.dataset.qid;
    byQid[qid] = section;
    var saved = state.responses[qid] || { response: null, seq: 0, flagged: false };
    seqs[qid] = saved.seq || 0;
    flags[qid] = !!saved.flagged;
    applyResponse(section, saved.response);
    var pending = local[qid];
    if (pending && pending.seq > seqs[qid]) {
      // A change the server never acknowledged (lost connection, closed tab): restore and resend.
      applyResponse(section, pending.response);
      flags[qid] = !!pending.flagged;
      seqs[qid] = pending.seq;
    } else if (pending) {
      delete local[qid];
    }
    section.addEventListener("change", function () { recordChange(section); });
    section.addEventListener("input", function (ev) {
      if (ev.target.matches("input[type=text], textarea")) recordChange(section);
    });
    var type = typeOf(section);
    if (type && type.init) type.init(section, function () { recordChange(section); });
    section.querySelector(".flag-btn").addEventListener("click", function () {
      flags[qid] = !flags[qid];
      recordChange(section);
    });
  });
  persistLocal();
  updateGlobal();
  flushAll();
  // Saved answers are applied and every input is listened to: a test (or a script) can start.
  document.getElementById("exam-app").dataset.ready = "1";

  document.getElementById("submit-btn").addEventListener("click", askSubmit);
  document.getElementById("submit-btn-bottom").addEventListener("click", askSubmit);
  document.getElementById("confirm-submit").addEventListener("click", doSubmit);
  document.getElementById("confirm-modal").addEventListener("hidden.bs.modal", function () {
    if (!submitting && submitOpener) submitOpener.focus();
  });
  window.addEventListener("online", flushAll);
  window.addEventListener("focus", function () { if (sessionStale && pendingCount() > 0) flushAll(); });
  window.addEventListener("beforeunload", function (ev) {
    if (!closed && pendingCount() > 0) { ev.preventDefault(); ev.returnValue = ""; }
  });
  setInterval(tick, 1000);
  tick();
  // A reload answered 304 (or a copy shown without asking) carries the server time of when it was
  // first served: take the time and deadline from the server before trusting the countdown.
  var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (nav && nav.transferSize < nav.encodedBodySize) resync();
  setInterval(resync, 60000);
  setInterval(function () { if (pendingCount() > 0) flushAll(); }, 15000);
})();
