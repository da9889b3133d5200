/*
 * The filter form folds away behind its summary on a phone once results are
 * shown, so that the results start near the top. On a wider screen there is
 * room for both: the form is opened. Without this script the form stays as the
 * server sent it (folded only when there are results), and the summary opens it.
 */
(function () {
  "use strict";
  var panel = document.querySelector("[data-filter-panel]");
  if (panel && window.matchMedia("(min-width: 37.5625rem)").matches) {
    panel.open = true;
  }
})();
