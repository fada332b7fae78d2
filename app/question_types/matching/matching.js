// matching: one select per left item; the response maps each answered left item to its choice.
(function (types) {
  "use strict";
  types.matching = {
    read: function (section) {
      var pairs = {};
      var any = false;
      section.querySelectorAll(".match-select").forEach(function (s) {
        if (s.value) { pairs[s.dataset.left] = s.value; any = true; }
      });
      return any ? pairs : null;
    },
    apply: function (section, response) {
      if (typeof response !== "object") return;
      section.querySelectorAll(".match-select").forEach(function (s) { s.value = response[s.dataset.left] || ""; });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
