// Quick exit: leave for the neutral site the link points to, replacing this
// page in the history so that Back does not return here. Shift pressed three
// times in a row does the same from anywhere on the page. Without JavaScript
// the link still leaves, as a plain link.
(function () {
  "use strict";

  var link = document.querySelector("a.quick-exit");
  if (!link) {
    return;
  }

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);

  // Three Shift presses with no other key between them, within five seconds.
  var presses = 0;
  var timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    if (event.repeat) {
      return;
    }
    presses += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      presses = 0;
    }, 5000);
    if (presses === 3) {
      leave();
    }
  });
})();
