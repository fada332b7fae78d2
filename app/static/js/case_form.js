// Case work page: before "提交评分", warn when steps are left empty or tables half filled, so an
// empty case is not graded 0 by accident. A static file: the page's CSP forbids inline script.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  var dialog = document.getElementById("case-submit-check");
  if (!form || !dialog) return;
  var confirmed = false;

  function filled(input) {
    if (input.type === "radio" || input.type === "checkbox") return input.checked;
    return input.value.trim() !== "";
  }

  // Per step: how many answer fields it has and how many are filled (an uploaded file fills all).
  function survey() {
    var empty = [];
    var partial = [];
    form.querySelectorAll("section.case-step").forEach(function (section) {
      var number = section.dataset.number;
      var fields = section.querySelectorAll("input.form-control:not([type=file]), textarea, select");
      var radios = section.querySelectorAll("input[type=radio]");
      var file = section.querySelector("input[type=file]");
      if (file && file.files && file.files.length) return;
      var total = fields.length + (radios.length ? 1 : 0);
      var done = Array.prototype.filter.call(fields, filled).length +
        (Array.prototype.some.call(radios, filled) ? 1 : 0);
      if (done === 0) empty.push(number);
      else if (done < total) partial.push(number);
    });
    return {empty: empty, partial: partial, steps: form.querySelectorAll("section.case-step").length};
  }

  function message(state) {
    var d = dialog.dataset;
    if (state.empty.length === state.steps) return d.msgNothing;
    var parts = [];
    if (state.empty.length) parts.push(d.msgEmpty.replace("{steps}", state.empty.join(d.sep)));
    if (state.partial.length) parts.push(d.msgPartial.replace("{steps}", state.partial.join(d.sep)));
    return parts.join("") + d.msgZero;
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (confirmed || !submitter || submitter.value !== "submit") return;
    var state = survey();
    if (!state.empty.length && !state.partial.length) return;
    event.preventDefault();
    dialog.querySelector(".check-text").textContent = message(state);
    var modal = window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(dialog) : null;
    if (modal) modal.show();
    else if (window.confirm(message(state))) { confirmed = true; form.requestSubmit(submitter); }
  });

  dialog.querySelector(".check-submit").addEventListener("click", function () {
    confirmed = true;
    form.requestSubmit(form.querySelector("button[name=action][value=submit]"));
  });
  form.dataset.ready = "1";  // the warning is wired (browser tests wait for it before clicking)
})();
