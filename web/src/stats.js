// Frame timing: intervals between frames (what the visitor sees) and the
// JavaScript work per frame, kept in a ring buffer for the perf test.

const N = 4096;

function pct(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export class FrameStats {
  constructor() {
    this.interval = new Float32Array(N);
    this.work = new Float32Array(N);
    this.n = 0;
  }

  add(intervalMs, workMs) {
    const i = this.n % N;
    this.interval[i] = intervalMs;
    this.work[i] = workMs;
    this.n++;
  }

  /** {frames, interval: {median, p95}, work: {median, p95}} over the buffered frames. */
  summary(reset = false) {
    const k = Math.min(this.n, N);
    const iv = Array.from(this.interval.subarray(0, k)).sort((a, b) => a - b);
    const wk = Array.from(this.work.subarray(0, k)).sort((a, b) => a - b);
    const out = {
      frames: k,
      interval: { median: pct(iv, 50), p95: pct(iv, 95) },
      work: { median: pct(wk, 50), p95: pct(wk, 95) },
    };
    if (reset) this.n = 0;
    return out;
  }
}
