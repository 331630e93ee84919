// The guided session's camera measure (docs/camera.md). Opt-in: nothing loads until the
// patient taps "Turn on the camera". The pose model runs in this page (MediaPipe's WASM runtime
// and the BlazePose bundle, both served by Dorsi itself); the video never leaves the phone.
// Only the numbers are sent: per counted lift its peak angle (empty when not measured), under
// one idempotency key per measuring session, so a retry or a double tap stores it once. Sent
// with no connection, the numbers are kept on the phone (static/offline-store.js) and
// static/pwa.js sends them when it is back, as it does a check-in; the service worker keeps the
// pose model once it has loaded, so the camera also works offline (docs/offline.md).
// The stop rules and the session's own counter are untouched.
import {RepCounter, frameAngle, summarise} from "/static/camera-maths.mjs";

const VENDOR = "/static/vendor";
const SAVE_URL = "/me/camera-sessions";
const box = document.querySelector("section.camera");

// One key per measuring session: 144 random bits, URL-safe.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return "cam-" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

// Keep a save the network refused on the phone, for static/pwa.js to send later; false when
// this phone cannot keep it (no store, or signed out).
async function keepOffline(key, fields) {
  const owner = document.body.dataset.user;
  if (!window.DorsiStore || !owner) return false;
  // the day it was measured (the server's day: UTC), not the day it is sent
  const kept = {...fields, date: new Date().toISOString().slice(0, 10)};
  delete kept.csrf_token;  // the page that sends it uses its own session's token
  await window.DorsiStore.save({
    key: key, owner: owner, url: SAVE_URL, fields: kept, saved_at: new Date().toISOString(),
  });
  return true;
}

function word(name, english) {
  return box.getAttribute("data-word-" + name) || english;
}

if (box) {
  box.hidden = false;
  const startButton = box.querySelector("[data-camera=start]");
  const stopButton = box.querySelector("[data-camera=stop]");
  const status = box.querySelector(".camera-status");
  const live = box.querySelector(".camera-live");
  const angleEl = box.querySelector(".camera-angle .value");
  const countEl = box.querySelector(".camera-reps .count");
  const lastEl = box.querySelector(".camera-last");
  const video = box.querySelector("video");
  const patientSide = box.dataset.side === "left" || box.dataset.side === "right"
    ? box.dataset.side : "auto";
  let stream = null, landmarker = null, counter = null, running = false, key = "";
  let frames = 0, busyMs = 0, lastVideoTime = -1, sideSeen = {left: 0, right: 0};

  const say = (text) => { status.textContent = text; };

  async function start() {
    if (!window.isSecureContext || !navigator.mediaDevices
        || !navigator.mediaDevices.getUserMedia) {
      say(word("insecure", "The camera only works on a secure (https) page."));
      box.dataset.state = "refused-insecure";
      return;
    }
    startButton.disabled = true;
    say(word("loading", "Starting the camera..."));
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {facingMode: "environment", width: {ideal: 640}, height: {ideal: 480}},
        audio: false,
      });
    } catch (err) {
      const denied = err && (err.name === "NotAllowedError" || err.name === "SecurityError");
      say(denied ? word("denied", "The camera is not allowed.")
                 : word("failed", "The camera could not start."));
      box.dataset.state = denied ? "refused-denied" : "failed";
      startButton.disabled = false;
      return;
    }
    try {
      const vision = await import(VENDOR + "/mediapipe/vision_bundle.mjs");
      const fileset = await vision.FilesetResolver.forVisionTasks(VENDOR + "/mediapipe/wasm");
      landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
        baseOptions: {modelAssetPath: VENDOR + "/pose_landmarker.task", delegate: "CPU"},
        runningMode: "VIDEO",
        numPoses: 1,
      });
    } catch (err) {
      stopStream();
      say(word("failed", "The camera could not start."));
      box.dataset.state = "failed";
      startButton.disabled = false;
      return;
    }
    video.srcObject = stream;
    await video.play();
    counter = new RepCounter();
    key = newKey();  // a new measuring session; "Stop and save" tried again keeps it
    running = true;
    live.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    box.dataset.state = "running";
    say(word("ready", "Camera on. Lift your foot."));
    requestAnimationFrame(tick);
  }

  function tick() {
    if (!running) return;
    if (video.readyState >= 2 && video.currentTime !== lastVideoTime) {
      lastVideoTime = video.currentTime;
      const t0 = performance.now();
      const result = landmarker.detectForVideo(video, t0);
      busyMs += performance.now() - t0;
      frames += 1;
      const points = result.landmarks && result.landmarks[0];
      const frame = frameAngle(points, video.videoWidth, video.videoHeight, patientSide);
      if (frame.side) sideSeen[frame.side] += 1;
      const before = counter.reps.length;
      const smoothed = counter.push(t0 / 1000, frame);
      show(frame, smoothed, before);
      box.dataset.frames = String(frames);
      box.dataset.msPerFrame = (busyMs / frames).toFixed(1);
    }
    requestAnimationFrame(tick);
  }

  function show(frame, smoothed, before) {
    angleEl.textContent = frame.grade === "none" || smoothed === null
      ? "--" : String(Math.round(smoothed));
    box.dataset.angle = smoothed === null ? "" : smoothed.toFixed(1);
    if (frame.grade === "none" && frames % 30 === 0) {
      say(word("no-leg", "The camera cannot see your lower leg and foot."));
    } else if (frame.grade !== "none" && status.textContent !== "") {
      say("");
    }
    if (counter.reps.length > before) {
      const rep = counter.reps[counter.reps.length - 1];
      countEl.textContent = String(counter.reps.length);
      box.dataset.reps = String(counter.reps.length);
      lastEl.textContent = rep.peakDeg === null
        ? word("not-measured", "Counted, but not measured.")
        : Math.round(rep.peakDeg) + " " + word("degrees", "degrees");
    }
  }

  function stopStream() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  async function stop() {
    running = false;
    stopButton.disabled = true;
    stopStream();
    const reps = counter ? counter.finish(performance.now() / 1000) : [];
    box.dataset.reps = String(reps.length);
    countEl.textContent = String(reps.length);
    const summary = summarise(reps.map((r) => r.peakDeg));
    if (!reps.length || summary.bestDeg === null) {
      say(word("nothing", "No lift was measured, so nothing was saved."));
      box.dataset.state = "nothing";
      if (!reps.length) return;
    }
    const side = patientSide !== "auto" ? patientSide
      : (sideSeen.left >= sideSeen.right ? "left" : "right");
    const fields = {
      csrf_token: box.dataset.csrf,
      exercise_id: box.dataset.exercise,
      side: side,
      peaks: reps.map((r) => (r.peakDeg === null ? "" : r.peakDeg.toFixed(1))).join(","),
      next: box.dataset.next,
      idempotency_key: key,
    };
    box.dataset.best = summary.bestDeg === null ? "" : summary.bestDeg.toFixed(1);
    let answer = null;
    try {
      answer = await fetch(SAVE_URL, {
        method: "POST", body: new URLSearchParams(fields), redirect: "manual",
        credentials: "same-origin",
      });
    } catch (err) {
      // no connection: kept on the phone and sent when it is back
      const kept = await keepOffline(key, fields).catch(() => false);
      if (kept) {
        say(word("kept", "Saved on this phone; it will be sent when you are back online."));
        box.dataset.state = "kept";
        return;
      }
    }
    // the answer is a redirect back to this step (stored, or stored before under this key)
    if (answer && answer.type === "opaqueredirect") {
      if (summary.bestDeg !== null) {
        say(word("saved", "Saved. Your best lift today:") + " " + Math.round(summary.bestDeg)
            + " " + word("degrees", "degrees"));
        box.dataset.state = "saved";
      }
      return;
    }
    say(word("save-failed", "Could not save the measurements. Try again."));
    box.dataset.state = "save-failed";
    stopButton.disabled = false;
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
}
