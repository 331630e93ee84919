// The monitoring-minutes timer on the clinician's patient page: counts whole minutes (rounded
// up) into the minutes field. The form works without it (typed minutes).
(function () {
  "use strict";
  document.querySelectorAll("form.rtm-minutes").forEach(function (form) {
    var box = form.querySelector(".rtm-timer");
    var button = form.querySelector("[data-action=timer]");
    var shown = form.querySelector(".timer-shown");
    var field = form.querySelector("input[name=minutes]");
    if (!box || !button || !field) return;
    box.hidden = false;
    var started = null;
    var tick = null;
    function minutes() { return Math.max(1, Math.ceil((Date.now() - started) / 60000)); }
    button.addEventListener("click", function () {
      if (started === null) {
        started = Date.now();
        button.textContent = "Stop timer";
        tick = setInterval(function () { shown.textContent = minutes() + " min"; }, 1000);
      } else {
        clearInterval(tick);
        field.value = String(Math.min(240, minutes()));
        shown.textContent = field.value + " min";
        started = null;
        button.textContent = "Start timer";
      }
    });
  });
})();
