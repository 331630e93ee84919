// The camera measure's maths, run live in the patient's browser: ankle angle per frame,
// visibility gates, short smoothing, repetitions with hysteresis, the session summary.
// A line-for-line mirror of the Python reference src/dorsi/gait/camera_rom.py (read its
// docstring for the why); tests/gait/test_camera_rom.py runs both on the same fixtures and
// requires the same answers. Pure: no DOM, no network; loads in the browser and in node.

export const LANDMARKS = {left: [25, 27, 29, 31], right: [26, 28, 30, 32]};
export const MEASURE_VISIBILITY = 0.6;
export const COUNT_VISIBILITY = 0.3;
export const MIN_SHANK_FRACTION = 0.08;
export const SMOOTH_FRAMES = 5;
export const START_DEG = 8.0;
export const END_DEG = 4.0;
export const BASELINE_S = 4.0;
export const MIN_MEASURED_FRACTION = 0.6;

function vis(p) {
  return typeof p.visibility === "number" ? p.visibility : 0;
}

function anglePx(knee, ankle, heel, toe, w, h) {
  const sx = (knee.x - ankle.x) * w, sy = (knee.y - ankle.y) * h;
  const fx = (toe.x - heel.x) * w, fy = (toe.y - heel.y) * h;
  const ns = Math.hypot(sx, sy), nf = Math.hypot(fx, fy);
  const cos = Math.max(-1, Math.min(1, (sx * fx + sy * fy) / (ns * nf)));
  return 90 - (Math.acos(cos) * 180) / Math.PI;
}

// {angleDeg, grade: "good"|"weak"|"none", side}
export function frameAngle(landmarks, widthPx, heightPx, side = "auto") {
  const none = {angleDeg: null, grade: "none", side: null};
  if (!landmarks || landmarks.length < 33) return none;
  const sides = side === "auto" ? ["left", "right"] : [side];
  let bestSide = sides[0], bestVis = -1;
  for (const s of sides) {
    const v = Math.min(...LANDMARKS[s].map((i) => vis(landmarks[i])));
    if (v > bestVis) { bestSide = s; bestVis = v; }
  }
  if (bestVis < COUNT_VISIBILITY) return none;
  const [knee, ankle, heel, toe] = LANDMARKS[bestSide].map((i) => landmarks[i]);
  const shankPx = Math.hypot((knee.x - ankle.x) * widthPx, (knee.y - ankle.y) * heightPx);
  const footPx = Math.hypot((toe.x - heel.x) * widthPx, (toe.y - heel.y) * heightPx);
  if (shankPx < MIN_SHANK_FRACTION * Math.min(widthPx, heightPx) || footPx <= 0) return none;
  const angleDeg = anglePx(knee, ankle, heel, toe, widthPx, heightPx);
  return {angleDeg, grade: bestVis >= MEASURE_VISIBILITY ? "good" : "weak", side: bestSide};
}

export function median(values) {
  const o = [...values].sort((a, b) => a - b);
  const mid = Math.floor(o.length / 2);
  return o.length % 2 ? o[mid] : (o[mid - 1] + o[mid]) / 2;
}

export class RepCounter {
  constructor() {
    this.reps = [];
    this.smoothedDeg = null;
    this.window = [];
    this.rest = [];
    this.baseline = 0;
    this.inRep = false;
    this.startS = 0;
    this.frames = 0;
    this.good = 0;
    this.peak = null;
  }

  // one frame; returns the smoothed angle (null before any usable frame)
  push(tS, frame) {
    if (frame.angleDeg === null || frame.grade === "none") {
      if (this.inRep) this.frames += 1;
      return this.smoothedDeg;
    }
    this.window.push(frame.angleDeg);
    if (this.window.length > SMOOTH_FRAMES) this.window.shift();
    const s = median(this.window);
    this.smoothedDeg = s;
    if (!this.inRep) {
      this.rest = this.rest.filter(([t]) => t > tS - BASELINE_S);
      this.rest.push([tS, s]);
      this.baseline = Math.min(...this.rest.map(([, a]) => a));
      if (s >= this.baseline + START_DEG) {
        this.inRep = true; this.startS = tS;
        this.frames = 0; this.good = 0; this.peak = null;
      }
    }
    if (this.inRep) {
      this.frames += 1;
      if (frame.grade === "good") {
        this.good += 1;
        this.peak = this.peak === null ? s : Math.max(this.peak, s);
      }
      if (s <= this.baseline + END_DEG) this.close(tS);
    }
    return s;
  }

  finish(tS) {
    if (this.inRep) this.close(tS);
    return this.reps;
  }

  close(tS) {
    const measured = this.frames > 0 && this.good / this.frames >= MIN_MEASURED_FRACTION;
    const peak = measured ? this.peak : null;
    this.reps.push({peakDeg: peak, quality: peak !== null ? "good" : "poor",
                    startS: this.startS, endS: tS});
    this.inRep = false;
  }
}

export function summarise(peaks) {
  const measured = peaks.filter((p) => p !== null);
  return {
    repsCounted: peaks.length,
    repsMeasured: measured.length,
    bestDeg: measured.length ? Math.max(...measured) : null,
    medianDeg: measured.length ? median(measured) : null,
  };
}

// a recorded sequence [[tS, points], ...] -> repetitions
export function run(frames, widthPx, heightPx, side = "auto") {
  const counter = new RepCounter();
  let last = 0;
  for (const [tS, points] of frames) {
    counter.push(tS, frameAngle(points, widthPx, heightPx, side));
    last = tS;
  }
  return counter.finish(last);
}
