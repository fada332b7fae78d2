// fill_blank: one box per blank; the response is every box's text, in stem order.
(function (types) {
  "use strict";
  types.fill_blank = {
    read: function (section) {
      var values = Array.prototype.map.call(section.querySelectorAll(".blank-input"), function (i) { return i.value; });
      return values.some(function (v) { return v.trim() !== ""; }) ? values : null;
    },
    apply: function (section, response) {
      if (!Array.isArray(response)) return;
      section.querySelectorAll(".blank-input").forEach(function (input, i) { input.value = response[i] || ""; });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
