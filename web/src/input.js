// Input on the view: keys (arrows / WASD by physical position, so ZQSD on a
// French keyboard) give a walking direction relative to the camera; a click or
// tap picks a hotspot or a point on the ground; a drag orbits the camera; the
// wheel or a pinch zooms.

const KEYS = {
  ArrowUp: [0, 1], KeyW: [0, 1],
  ArrowDown: [0, -1], KeyS: [0, -1],
  ArrowLeft: [-1, 0], KeyA: [-1, 0],
  ArrowRight: [1, 0], KeyD: [1, 0],
};
const TAP_PX = 8;
const TAP_MS = 600;

/**
 * handlers: onDirection(dx, dy) in zone axes (unit or zero), onTap(px, py),
 * onOrbit(dAz, dEl), onZoom(factor), onEnter(); getAzimuth() -> radians.
 */
// Boxes drawn over the view: presses on them never walk nor turn the camera.
const OVERLAYS = "button, a, input, select, label, .notice, .outage, .visitor-card, .class-banner, .pause-overlay";

export class Input {
  constructor(view, handlers) {
    this.view = view;
    this.h = handlers;
    this.down = new Set();
    this.sentAz = 0;
    this.lastDir = { x: 0, y: 0 };
    this.pointers = new Map();
    this.pinch = 0;
    this._wire();
  }

  _keyTarget(ev) {
    const t = ev.target;
    if (!t || t === document.body || t === document.documentElement || t === this.view) return true;
    return false;
  }

  _wire() {
    const v = this.view;
    document.addEventListener("keydown", (ev) => {
      if (!this._keyTarget(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.shiftKey && (ev.code === "ArrowLeft" || ev.code === "ArrowRight")) {
        this.h.onOrbit(ev.code === "ArrowLeft" ? -0.2 : 0.2, 0);
        ev.preventDefault();
        return;
      }
      if (KEYS[ev.code]) {
        ev.preventDefault();
        if (!this.down.has(ev.code)) {
          this.down.add(ev.code);
          this._direction();
        }
      } else if (ev.key === "+" || ev.key === "=") {
        this.h.onZoom(0.85);
      } else if (ev.key === "-" || ev.key === "_") {
        this.h.onZoom(1 / 0.85);
      } else if (ev.key === "Enter" && ev.target === this.view) {
        ev.preventDefault();
        this.h.onEnter();
      }
    });
    document.addEventListener("keyup", (ev) => {
      if (this.down.delete(ev.code)) this._direction();
    });
    // Losing focus (another window, a dialog) releases held keys.
    const release = () => {
      if (this.down.size) {
        this.down.clear();
        this._direction();
      }
    };
    window.addEventListener("blur", release);
    v.addEventListener("blur", release);

    v.addEventListener("pointerdown", (ev) => {
      if (ev.pointerType === "mouse" && ev.button !== 0) return;
      // A press on a box over the view (a notice, the visitor card, the class banner, the pause) is not a tap on the ground.
      if (ev.target !== v && ev.target.closest?.(OVERLAYS)) return;
      v.setPointerCapture?.(ev.pointerId);
      this.pointers.set(ev.pointerId, { x0: ev.clientX, y0: ev.clientY, x: ev.clientX, y: ev.clientY, t0: performance.now(), moved: false });
      if (this.pointers.size === 2) this.pinch = this._pinchDist();
    });
    v.addEventListener("pointermove", (ev) => {
      const p = this.pointers.get(ev.pointerId);
      if (!p) return;
      const dx = ev.clientX - p.x;
      const dy = ev.clientY - p.y;
      p.x = ev.clientX;
      p.y = ev.clientY;
      if (Math.hypot(p.x - p.x0, p.y - p.y0) > TAP_PX) p.moved = true;
      if (this.pointers.size === 2) {
        const d = this._pinchDist();
        if (this.pinch > 0 && d > 0) this.h.onZoom(this.pinch / d);
        this.pinch = d;
      } else if (p.moved) {
        this.h.onOrbit(-dx * 0.006, dy * 0.004);
        if (this.down.size) this._direction();
      }
    });
    const end = (ev, cancelled) => {
      const p = this.pointers.get(ev.pointerId);
      if (!p) return;
      const multi = this.pointers.size > 1;
      this.pointers.delete(ev.pointerId);
      if (this.pointers.size < 2) this.pinch = 0;
      if (cancelled || multi || p.moved || performance.now() - p.t0 > TAP_MS) return;
      const r = v.getBoundingClientRect();
      this.h.onTap(ev.clientX - r.left, ev.clientY - r.top);
    };
    v.addEventListener("pointerup", (ev) => end(ev, false));
    v.addEventListener("pointercancel", (ev) => end(ev, true));
    v.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      this.h.onZoom(ev.deltaY > 0 ? 1.1 : 1 / 1.1);
    }, { passive: false });
    v.addEventListener("contextmenu", (ev) => ev.preventDefault());
  }

  _pinchDist() {
    const [a, b] = [...this.pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  }

  /** Recomputes the walking direction; reports it when it changed. */
  _direction() {
    let kx = 0;
    let ky = 0;
    for (const c of this.down) {
      kx += KEYS[c][0];
      ky += KEYS[c][1];
    }
    let x = 0;
    let y = 0;
    if (kx || ky) {
      const az = this.h.getAzimuth();
      // forward (away from the camera) and right, in zone axes (y south).
      const fx = -Math.sin(az), fy = -Math.cos(az);
      const rx = Math.cos(az), ry = -Math.sin(az);
      x = fx * ky + rx * kx;
      y = fy * ky + ry * kx;
      const n = Math.hypot(x, y);
      x /= n;
      y /= n;
      // Round away float noise so an unchanged direction compares equal.
      x = Math.round(x * 1e4) / 1e4;
      y = Math.round(y * 1e4) / 1e4;
      this.sentAz = az;
    }
    const last = this.lastDir;
    const changed = (x === 0 && y === 0) !== (last.x === 0 && last.y === 0) ||
      Math.abs(Math.atan2(y, x) - Math.atan2(last.y, last.x)) > 0.05;
    if (!changed) return;
    this.lastDir = { x, y };
    this.h.onDirection(x, y);
  }

  /** Called each frame: a camera turn while walking re-aims the walk (throttled by angle). */
  tick() {
    if (!this.down.size) return;
    const az = this.h.getAzimuth();
    if (Math.abs(az - this.sentAz) > 0.14) this._direction();
  }

  /** Forgets the held keys without sending anything (after a GOTO, a reconnection). */
  forget() {
    this.lastDir = { x: 0, y: 0 };
  }

  get walking() {
    return this.down.size > 0;
  }
}
