// Guided session enhancements: rep counter, countdown timers, a beep and a vibration.
// The page works without this file (plain links and a plain form); this only adds help.
(function () {
  "use strict";
  // The check-in is sent once: the first submit disables the button (a second tap does
  // nothing). The form's hidden idempotency key makes a repeat harmless on the server anyway.
  var checkin = document.querySelector("form.checkin");
  if (checkin) {
    checkin.addEventListener("submit", function (event) {
      if (checkin.getAttribute("data-sent") === "yes") { event.preventDefault(); return; }
      checkin.setAttribute("data-sent", "yes");
      var send = checkin.querySelector("button[type=submit]");
      if (send) {
        send.disabled = true;
        send.setAttribute("aria-busy", "true");
        send.textContent = send.getAttribute("data-sending") || send.textContent;
      }
    });
  }
  var box = document.querySelector(".trainer");
  if (!box) { return; }
  box.hidden = false;
  var sets = parseInt(box.dataset.sets, 10) || 1;
  var reps = parseInt(box.dataset.reps, 10) || 0;
  var hold = parseInt(box.dataset.hold, 10) || 0;
  var rest = parseInt(box.dataset.rest, 10) || 0;
  var set = 1, count = 0, ticking = null, finished = false;
  var setEl = box.querySelector(".set");
  var countEl = box.querySelector(".count");
  var timerEl = box.querySelector(".timer");
  var audio = null;
  // Words come from the page, already in the reader's language (data-word-*); English if absent.
  function word(name, english) { return box.getAttribute("data-word-" + name) || english; }

  function signal() {
    try {
      if (navigator.vibrate) { navigator.vibrate(200); }
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) {
        audio = audio || new Ctx();
        var osc = audio.createOscillator();
        osc.frequency.value = 880;
        osc.connect(audio.destination);
        osc.start();
        osc.stop(audio.currentTime + 0.25);
      }
    } catch (e) { /* sound and vibration are optional */ }
  }

  function countdown(seconds, label, done) {
    if (ticking) { clearInterval(ticking); }
    var left = seconds;
    timerEl.textContent = label + ": " + left + " s";
    ticking = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(ticking);
        ticking = null;
        timerEl.textContent = label + ": " + word("done", "done");
        signal();
        if (done) { done(); }
      } else {
        timerEl.textContent = label + ": " + left + " s";
      }
    }, 1000);
  }

  function nextSet() {
    if (set < sets) {
      set += 1;
      count = 0;
      setEl.textContent = String(set);
      if (reps) { countEl.textContent = "0"; }
    } else {
      finished = true;
      timerEl.textContent = word("all-done", "All sets done. Well done!");
      // Nothing left to count or time here: the buttons say so (the next step is below).
      var buttons = box.querySelectorAll("button[data-action]");
      for (var i = 0; i < buttons.length; i += 1) { buttons[i].disabled = true; }
    }
  }

  box.addEventListener("click", function (event) {
    var action = event.target && event.target.getAttribute("data-action");
    if (finished) { return; }
    if (action === "rep" && reps) {
      count = Math.min(reps, count + 1);
      countEl.textContent = String(count);
      if (count === reps) { signal(); timerEl.textContent = word("set-done", "Set done. Rest now."); }
    } else if (action === "hold" && hold) {
      countdown(hold, word("hold", "Hold"), function () { countEl.textContent = String(hold); });
    } else if (action === "rest") {
      countdown(rest, word("rest", "Rest"), nextSet);
    }
  });
})();
