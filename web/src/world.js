// What the page knows of the world: the other avatars (interpolated about
// 100 ms in the past between server samples) and one's own avatar (predicted
// locally from the intent, reconciled with the authoritative self_x/self_y).

import { applyUpdate, toMetres, DEFAULT_MAX_SPEED } from "./protocol.js";
import { moveWithCollision } from "./zone.js";

const SNAP_DIST = 3; // metres: errors above this snap, below are smoothed
const CORR_RATE = 6; // 1/s: how fast small errors are absorbed
const HISTORY_MS = 1500;
const MAX_SAMPLES = 12;
const MAX_STEP_TICKS = 6; // a longer gap between two moves of an avatar is a pause
const DELAY_SLEW = 0.2; // ms of drawing delay gained or lost per ms: time runs at 0.8-1.2x meanwhile

export class World {
  constructor(zone) {
    this.zone = zone;
    this.view = new Map(); // id -> avatar entry (x, y quantised as last received)
    this.selfId = 0;
    this.pseudonym = "";
    this.tickMs = 50;
    this.speed = DEFAULT_MAX_SPEED; // m/s, the server's walking speed (WELCOME's max_speed)
    this.interpDelay = 100;
    this.online = 0;
    this.crowd = 0;
    this.lastUpdateAt = 0;
    this.self = {
      known: false, x: 0, y: 0, serverX: 0, serverY: 0, ack: 0,
      intent: null, // {kind: "move", dx, dy, seq} | {kind: "wait", seq} | {kind: "path", seq, points, i}
      lastSeq: 0, lastIntentAt: 0, pending: { x: 0, y: 0 }, history: [], heading: 0, moving: false,
    };
    this.sentAt = new Map(); // seq -> performance.now() when sent
    this.latency = 80; // ms, input-to-echo, smoothed
    this.corrections = { smooth: 0, snaps: 0 };
  }

  /** A new connection was welcomed: the view starts empty. */
  welcome(w) {
    this.selfId = w.selfId;
    this.pseudonym = w.pseudonym;
    this.tickMs = 1000 / (w.tickHz || 20);
    this.speed = w.maxSpeed > 0 ? w.maxSpeed : DEFAULT_MAX_SPEED;
    this.interpDelay = Math.max(100, 2 * this.tickMs);
    this.reset();
    this.self.known = false;
    this.self.intent = null;
  }

  reset() {
    this.view.clear();
    this.crowd = 0;
  }

  /** Applies an UPDATE (leaves, enters, moves), then reconciles one's avatar. */
  update(upd, now = performance.now()) {
    const tickMs = this.tickMs;
    applyUpdate(this.view, upd, {
      makeEntry: (e) => ({
        id: e.id, pseudonym: e.pseudonym, role: e.role, colour: e.colour, shape: e.shape, x: e.x, y: e.y,
        samples: [{ t: now, x: toMetres(e.x), y: toMetres(e.y) }],
        rx: toMetres(e.x), ry: toMetres(e.y), heading: 0, dist: 0,
        step: tickMs, delay: this.interpDelay, // ms: its interval between moves, how far back it is drawn
      }),
      onMove: (id, a) => {
        const s = a.samples;
        const last = s[s.length - 1];
        // The server sends a far avatar's moves every few ticks (the message
        // budget, docs/PROTOCOL.md §4): a gap up to MAX_STEP_TICKS is its
        // regular interval, learnt per avatar. After a longer pause, start
        // the motion one interval ago from where it stood, so the avatar
        // walks the step instead of sliding over a long span.
        const gap = last ? now - last.t : tickMs;
        if (gap > MAX_STEP_TICKS * tickMs) s.push({ t: now - a.step, x: last.x, y: last.y });
        else a.step += (Math.max(gap, tickMs) - a.step) * 0.3;
        s.push({ t: now, x: toMetres(a.x), y: toMetres(a.y) });
        if (s.length > MAX_SAMPLES) s.splice(0, s.length - MAX_SAMPLES);
      },
    });
    this.online = upd.online;
    this.crowd = upd.crowd;
    this.lastUpdateAt = now;
    this._reconcile(upd, now);
  }

  // ------------------------------------------------------------ one's avatar

  /** Records an intent just sent with seq. */
  setIntent(intent, now = performance.now()) {
    this.self.intent = intent;
    this.self.lastIntentAt = now;
    if (intent && intent.seq) {
      this.self.lastSeq = intent.seq;
      this.sentAt.set(intent.seq, now);
      if (this.sentAt.size > 64) this.sentAt.delete(this.sentAt.keys().next().value);
    }
  }

  /** A PATH event: follow it if it answers the current GOTO. */
  path(seq, points) {
    const it = this.self.intent;
    if (!it || it.seq !== seq) return;
    const pts = points.map((p) => ({ x: toMetres(p.x), y: toMetres(p.y) }));
    this.self.intent = pts.length ? { kind: "path", seq, points: pts, i: 0 } : null;
  }

  _reconcile(upd, now) {
    const s = this.self;
    s.serverX = toMetres(upd.selfX);
    s.serverY = toMetres(upd.selfY);
    const prevAck = s.ack;
    s.ack = upd.ack;
    if (upd.ack !== prevAck && this.sentAt.has(upd.ack)) {
      const l = now - this.sentAt.get(upd.ack);
      this.latency = Math.min(1000, Math.max(0, this.latency * 0.8 + l * 0.2));
      this.sentAt.delete(upd.ack);
    }
    if (!s.known) {
      this._snap(s.serverX, s.serverY);
      s.known = true;
      return;
    }
    const lagging = upd.ack < s.lastSeq; // the server has not applied our latest intent yet
    const ref = this._historyAt(now - this.latency) || { x: s.x, y: s.y };
    const ex = s.serverX - ref.x;
    const ey = s.serverY - ref.y;
    const err = Math.hypot(ex, ey);
    if (lagging) {
      // Its position reflects an older intent; only a gross divergence counts.
      if (err > 3 * SNAP_DIST) this._snap(s.serverX, s.serverY);
      return;
    }
    const dead = s.moving ? 0.3 : 0.02;
    if (err <= dead) {
      s.pending.x = 0;
      s.pending.y = 0;
      return;
    }
    if (err > SNAP_DIST) {
      this._snap(s.serverX, s.serverY);
      return;
    }
    s.pending.x = ex;
    s.pending.y = ey;
    this.corrections.smooth++;
  }

  _snap(x, y) {
    const s = this.self;
    if (s.known) this.corrections.snaps++;
    s.x = x;
    s.y = y;
    s.pending.x = 0;
    s.pending.y = 0;
    s.history.length = 0;
  }

  _historyAt(t) {
    const h = this.self.history;
    if (!h.length) return null;
    if (t <= h[0].t) return h[0];
    for (let i = h.length - 1; i >= 0; i--) {
      if (h[i].t <= t) {
        const a = h[i];
        const b = h[i + 1];
        if (!b) return a;
        const k = (t - a.t) / (b.t - a.t || 1);
        return { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
      }
    }
    return h[0];
  }

  /** Advances the prediction by dt seconds (called every frame). */
  step(dt, now = performance.now()) {
    const s = this.self;
    if (!s.known) return;
    dt = Math.min(dt, 1);
    let vx = 0;
    let vy = 0;
    const it = s.intent;
    const speed = this.speed;
    if (it && it.kind === "move") {
      const r = this.zone ? moveWithCollision(this.zone, s.x, s.y, it.dx * speed * dt, it.dy * speed * dt) : { x: s.x + it.dx * speed * dt, y: s.y + it.dy * speed * dt };
      vx = r.x - s.x;
      vy = r.y - s.y;
      s.x = r.x;
      s.y = r.y;
    } else if (it && it.kind === "path") {
      let budget = speed * dt;
      const x0 = s.x, y0 = s.y;
      while (budget > 0 && it.i < it.points.length) {
        const p = it.points[it.i];
        const d = Math.hypot(p.x - s.x, p.y - s.y);
        if (d <= budget) {
          s.x = p.x;
          s.y = p.y;
          budget -= d;
          it.i++;
        } else {
          s.x += ((p.x - s.x) / d) * budget;
          s.y += ((p.y - s.y) / d) * budget;
          budget = 0;
        }
      }
      vx = s.x - x0;
      vy = s.y - y0;
      if (it.i >= it.points.length) s.intent = null;
    }
    s.moving = vx !== 0 || vy !== 0;
    if (s.moving) s.heading = Math.atan2(vy, vx);
    // Settled: the server applied our latest intent and we stand still, so
    // its position is the truth (no more updates come while nothing moves).
    if (!s.moving && !s.intent?.points && s.ack >= s.lastSeq && now - s.lastIntentAt > this.latency + 2 * this.tickMs) {
      const ex = s.serverX - s.x;
      const ey = s.serverY - s.y;
      const err = Math.hypot(ex, ey);
      if (err > SNAP_DIST) this._snap(s.serverX, s.serverY);
      else if (err > 0.005) {
        s.pending.x = ex;
        s.pending.y = ey;
      }
    }
    // Absorb the pending correction smoothly; shift the history with it so
    // that the next comparison measures only what remains.
    const k = Math.min(1, CORR_RATE * dt);
    const cx = s.pending.x * k;
    const cy = s.pending.y * k;
    if (cx || cy) {
      s.x += cx;
      s.y += cy;
      s.pending.x -= cx;
      s.pending.y -= cy;
      for (const h of s.history) {
        h.x += cx;
        h.y += cy;
      }
    }
    s.history.push({ t: now, x: s.x, y: s.y });
    while (s.history.length > 2 && s.history[0].t < now - HISTORY_MS) s.history.shift();
  }

  // ------------------------------------------------------------ the others

  /** Computes every other avatar's render position (rx, ry) for time now. */
  interpolate(now = performance.now()) {
    const dt = Math.min(Math.max(now - (this.lastInterpAt ?? now), 0), 100);
    this.lastInterpAt = now;
    for (const a of this.view.values()) {
      // Each avatar is drawn one of its own intervals (plus a tick of
      // jitter) in the past, so that there is always a next position to
      // walk towards; the delay changes gradually when the interval does.
      const want = Math.max(this.interpDelay, a.step + this.tickMs);
      a.delay += Math.max(-DELAY_SLEW * dt, Math.min(DELAY_SLEW * dt, want - a.delay));
      const t = now - a.delay;
      const s = a.samples;
      let x, y;
      if (t <= s[0].t) {
        x = s[0].x;
        y = s[0].y;
      } else if (t >= s[s.length - 1].t) {
        x = s[s.length - 1].x;
        y = s[s.length - 1].y;
        if (s.length > 2) s.splice(0, s.length - 2);
      } else {
        let i = s.length - 2;
        while (i > 0 && s[i].t > t) i--;
        const p = s[i];
        const q = s[i + 1];
        const k = (t - p.t) / (q.t - p.t || 1);
        x = p.x + (q.x - p.x) * k;
        y = p.y + (q.y - p.y) * k;
      }
      const dx = x - a.rx;
      const dy = y - a.ry;
      if (dx * dx + dy * dy > 1e-6) a.heading = Math.atan2(dy, dx);
      a.rx = x;
      a.ry = y;
    }
  }

  /** The avatars nearest to one's own, at most n, sorted by distance. */
  nearest(n) {
    const { x, y } = this.self;
    const arr = [];
    for (const a of this.view.values()) {
      a.dist = Math.hypot(a.rx - x, a.ry - y);
      arr.push(a);
    }
    arr.sort((p, q) => p.dist - q.dist);
    return arr.length > n ? arr.slice(0, n) : arr;
  }
}
