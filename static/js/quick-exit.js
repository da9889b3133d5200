/*
 * Quick exit. Without this script the link still leaves the site as a plain
 * link. With it, leaving replaces the current history entry, so the Back
 * button does not bring the page back, and pressing Shift three times in a
 * row also leaves (Esc is avoided: dialogs and screen readers use it).
 */
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  var destination = link.getAttribute("href");
  // The Shift hint only where there is a keyboard and a mouse: a phone has no
  // Shift key, and its reader would look for one.
  var hint = document.querySelector("[data-quick-exit-hint]");
  var hasKeyboard = window.matchMedia("(hover: hover) and (pointer: fine)").matches;
  if (hint && hasKeyboard) {
    hint.hidden = false;
  }
  var shiftPresses = 0;
  var lastPress = 0;
  var window_ms = 1500;

  function leave() {
    document.body.classList.add("is-leaving");
    window.location.replace(destination);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      shiftPresses = 0;
      return;
    }
    if (event.repeat) {
      return;
    }
    var now = Date.now();
    shiftPresses = now - lastPress > window_ms ? 1 : shiftPresses + 1;
    lastPress = now;
    if (shiftPresses >= 3) {
      shiftPresses = 0;
      leave();
    }
  });
})();
