// Guided session enhancements: rep counter, countdown timers, a beep and a vibration.
// The page works without this file (plain links and a plain form); this only adds help.
//
// The trainer's place (set, repetitions, a running timer's end time, the sets done at each
// step) is kept in localStorage under the user and the program's version, for the day: a
// reload, Back, a locked phone or the offline copy of a step finds it again. The check-in
// form takes the sets done from there. Signing out clears it (Clear-Site-Data: "storage").
(function () {
  "use strict";
  var PREFIX = "dorsi-session:";

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
  }
  function storeKey(version) {
    return PREFIX + (document.body.getAttribute("data-user") || "-") + ":" + (version || "-");
  }
  function load(version) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey(version)) || "null");
      if (saved && saved.day === today() && saved.steps) { return saved; }
    } catch (e) { /* no storage (private mode): the trainer starts afresh */ }
    return { day: today(), steps: {} };
  }
  function save(version, state) {
    try {
      // One program's place at a time: older versions and days are dropped.
      for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0 && name !== storeKey(version)) {
          window.localStorage.removeItem(name);
        }
      }
      window.localStorage.setItem(storeKey(version), JSON.stringify(state));
    } catch (e) { /* storage full or off: the trainer still works on this page */ }
  }
  function forget(version) {
    try { window.localStorage.removeItem(storeKey(version)); } catch (e) { /* nothing kept */ }
  }

  // The check-in is sent once: the first submit disables the button (a second tap does
  // nothing). The form's hidden idempotency key makes a repeat harmless on the server anyway.
  var checkin = document.querySelector("form.checkin");
  var key = checkin && checkin.querySelector("input[name=idempotency_key]");
  if (key && window.crypto && window.crypto.getRandomValues) {
    // A new key for every showing of the form: a copy kept on the phone for offline use
    // would otherwise name every check-in made from it the same (and the server would store
    // only the first). A repeat of this one submit still carries the same key.
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    key.value = Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }
  if (checkin) {
    var version = checkin.getAttribute("data-version");
    var counted = load(version);
    var total = 0, any = false;
    Object.keys(counted.steps).forEach(function (step) {
      var done = counted.steps[step].done || 0;
      if (done > 0) { any = true; total += done; }
    });
    var setsField = checkin.querySelector("input[name=sets_done]");
    // The trainer's count fills an empty field; what the patient typed (or the server kept
    // after an error) stays.
    if (any && setsField && setsField.value === "") {
      setsField.value = String(total);
      var help = document.getElementById("sets_done-help");
      if (help) {
        help.textContent = checkin.getAttribute("data-word-counted") || "";
        help.hidden = false;
      }
    }
    checkin.addEventListener("submit", function (event) {
      if (checkin.getAttribute("data-sent") === "yes") { event.preventDefault(); return; }
      checkin.setAttribute("data-sent", "yes");
      forget(version);  // the next session counts from zero
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
  var trainerVersion = box.getAttribute("data-version");
  var stepId = box.getAttribute("data-step") || "0";
  var all = load(trainerVersion);
  // set: the set under way (1-based); count: repetitions in it (1 once its hold is held);
  // counted: that set is in done; done: sets done (a set cut short counts once rested);
  // timer: {kind: "hold"|"rest", ends: ms since 1970} while one runs.
  var st = all.steps[stepId] ||
    { set: 1, count: 0, counted: false, done: 0, finished: false, timer: null };
  var ticking = null;
  var setEl = box.querySelector(".set");
  var countEl = box.querySelector(".count");
  var timerEl = box.querySelector(".timer");
  var audio = null;
  // Words come from the page, already in the reader's language (data-word-*); English if absent.
  function word(name, english) { return box.getAttribute("data-word-" + name) || english; }
  function keep() { all.steps[stepId] = st; save(trainerVersion, all); }

  // Sound on phones needs an AudioContext made or resumed inside a tap (iOS Safari, Chrome
  // on Android); the first tap on the trainer does it, with a silent sound that unlocks iOS.
  function unlockAudio() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      audio = audio || new Ctx();
      if (audio.state === "suspended" && audio.resume) { audio.resume(); }
      var silent = audio.createBuffer(1, 1, 22050);
      var source = audio.createBufferSource();
      source.buffer = silent;
      source.connect(audio.destination);
      source.start(0);
    } catch (e) { /* sound is optional */ }
  }

  function signal() {
    // A timer that ended while the page was away is only shown: without a tap on this page
    // the browser refuses vibration (and sound), and says so in the console.
    var active = navigator.userActivation ? navigator.userActivation.hasBeenActive : !!audio;
    if (!active) { return; }
    try {
      if (navigator.vibrate) { navigator.vibrate(200); }
      if (audio) {
        if (audio.state === "suspended" && audio.resume) { audio.resume(); }
        var osc = audio.createOscillator();
        osc.frequency.value = 880;
        osc.connect(audio.destination);
        osc.start();
        osc.stop(audio.currentTime + 0.25);
      }
    } catch (e) { /* sound and vibration are optional */ }
  }

  function show() {
    setEl.textContent = String(st.set);
    if (countEl && reps) { countEl.textContent = String(st.count); }
    if (st.finished) {
      timerEl.textContent = word("all-done", "All sets done. Well done!");
      // Nothing left to count or time here: the buttons say so (the next step is below).
      var buttons = box.querySelectorAll("button[data-action]");
      for (var i = 0; i < buttons.length; i += 1) { buttons[i].disabled = true; }
    }
  }

  function finishSet() {
    if (!st.counted) { st.done = Math.min(sets, st.done + 1); }
    st.counted = true;
    if (st.set >= sets) {
      st.finished = true;  // the last set: no rest to wait for
      st.timer = null;
      signal();
    }
    keep();
    show();
  }

  function nextSet() {
    st.set += 1;
    st.count = 0;
    st.counted = false;
    keep();
    show();
  }

  // Timers count to an end time, not by ticks: a phone that slept or a page shown again
  // finds the right time left (or the timer already over).
  function run(kind, seconds, ends) {
    if (ticking) { clearInterval(ticking); }
    st.timer = { kind: kind, ends: ends || Date.now() + seconds * 1000 };
    keep();
    var label = kind === "hold" ? word("hold", "Hold") : word("rest", "Rest");
    function tick() {
      var left = Math.ceil((st.timer.ends - Date.now()) / 1000);
      if (left > 0) {
        timerEl.textContent = label + ": " + left + " s";
        return;
      }
      clearInterval(ticking);
      ticking = null;
      var was = st.timer.kind;
      st.timer = null;
      timerEl.textContent = label + ": " + word("done", "done");
      if (was === "hold") {
        st.count = 1;
        signal();
        finishSet();
        if (!st.finished) { timerEl.textContent = word("hold-done", "Hold done. Rest now."); }
      } else {
        signal();
        // A rest after some repetitions ends the set (the last one ends the exercise); a
        // rest before any keeps the set, which starts when the patient is ready.
        if (st.count > 0) {
          if (!st.counted || st.set >= sets) { finishSet(); }
          if (!st.finished) { nextSet(); }
        } else {
          keep();
        }
      }
    }
    tick();
    if (st.timer) { ticking = setInterval(tick, 250); }
  }

  box.addEventListener("click", function (event) {
    unlockAudio();
    var action = event.target && event.target.getAttribute("data-action");
    if (st.finished) { return; }
    if (action === "rep" && reps) {
      if (st.count >= reps) { return; }
      st.count += 1;
      countEl.textContent = String(st.count);
      if (st.count === reps) {
        finishSet();
        if (!st.finished) { timerEl.textContent = word("set-done", "Set done. Rest now."); }
      } else {
        keep();
      }
    } else if (action === "hold" && hold) {
      if (st.count > 0) { return; }  // this set's hold is done: rest, then the next set
      run("hold", hold);
    } else if (action === "rest") {
      run("rest", rest);
    }
  });

  show();
  if (st.timer && !st.finished) {
    run(st.timer.kind, 0, st.timer.ends);
  } else if (!st.finished && reps && st.count === reps) {
    timerEl.textContent = word("set-done", "Set done. Rest now.");
  } else if (!st.finished && !reps && st.count > 0) {
    timerEl.textContent = word("hold-done", "Hold done. Rest now.");
  }
})();
