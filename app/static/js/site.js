// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline script: a <select data-autosubmit> submits its form when it changes (the
// language switch in the navigation bar).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });
})();
