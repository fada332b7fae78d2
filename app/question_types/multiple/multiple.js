// multiple: one checkbox per option; the response is the list of chosen ids (["A", "D"]).
(function (types) {
  "use strict";
  types.multiple = {
    read: function (section) {
      var ids = Array.prototype.map.call(section.querySelectorAll("input.answer-input:checked"), function (i) { return i.value; });
      return ids.length ? ids : null;
    },
    apply: function (section, response) {
      var wanted = [].concat(response).map(String);
      section.querySelectorAll("input.answer-input").forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
