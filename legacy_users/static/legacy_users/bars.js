// Bars' lengths from their data-share (a percentage): set through the DOM, which the admin's
// Content-Security-Policy allows, where an inline style attribute would be refused.
(function () {
  "use strict";
  document.querySelectorAll(".bar > div[data-share]").forEach(function (bar) {
    var share = parseFloat(bar.getAttribute("data-share"));
    if (isFinite(share)) {
      bar.style.width = Math.max(0, Math.min(100, share)) + "%";
    }
  });
})();
