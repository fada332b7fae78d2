// true_false: two radios valued "true" and "false"; the response is a boolean.
(function (types) {
  "use strict";
  types.true_false = {
    read: function (section) {
      var checked = section.querySelector("input.answer-input:checked");
      return checked ? checked.value === "true" : null;
    },
    apply: function (section, response) {
      section.querySelectorAll("input.answer-input").forEach(function (i) { i.checked = i.value === String(response); });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
