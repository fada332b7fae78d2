// single: one radio per option; the response is the chosen option id ("B").
(function (types) {
  "use strict";
  types.single = {
    read: function (section) {
      var checked = section.querySelector("input.answer-input:checked");
      return checked ? checked.value : null;
    },
    apply: function (section, response) {
      section.querySelectorAll("input.answer-input").forEach(function (i) { i.checked = i.value === String(response); });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
