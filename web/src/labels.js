// A DOM overlay of pseudonym labels placed over the view, nearest avatars
// first (capped). A label is shown only where it is readable and misleads no
// one: never over one's own avatar, never over a hotspot marker, never over
// another label, never for an avatar hidden behind a building. Booth and
// building names are signs in the 3D scene (and on the 2D map). It works
// with any view that can project a zone point to screen pixels. The overlay
// is hidden from assistive tech: the same facts are given as text elsewhere.

import { roleOf } from "./look.js";

const MAX_AVATAR_LABELS = 30;
const HEAD = 2.1; // metres: a label sits just above this
const MARKER_Y = 2.0;
const MARKER_RANGE = 60; // metres: markers farther away are too small to hide
const LABEL_H = 20;

class Pool {
  constructor(layer, className, n) {
    this.items = [];
    for (let i = 0; i < n; i++) {
      const el = document.createElement("div");
      el.className = className;
      el.hidden = true;
      layer.appendChild(el);
      this.items.push({ el, text: "", shown: false, x: -1, y: -1, box: null });
    }
    this.used = 0;
  }
  begin() {
    this.used = 0;
  }
  place(text, x, y, kind, box) {
    if (this.used >= this.items.length) return false;
    const it = this.items[this.used++];
    if (it.text !== text) {
      it.el.textContent = text;
      it.text = text;
    }
    if (it.kind !== kind) {
      it.el.dataset.kind = kind;
      it.kind = kind;
    }
    const rx = Math.round(x);
    const ry = Math.round(y);
    if (rx !== it.x || ry !== it.y) {
      it.el.style.transform = `translate(${rx}px, ${ry}px) translate(-50%, -100%)`;
      it.x = rx;
      it.y = ry;
    }
    it.box = box;
    if (!it.shown) {
      it.el.hidden = false;
      it.shown = true;
    }
    return true;
  }
  end() {
    for (let i = this.used; i < this.items.length; i++) {
      const it = this.items[i];
      if (it.shown) {
        it.el.hidden = true;
        it.shown = false;
      }
    }
  }
}

const overlaps = (a, b) => a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;

export class Labels {
  constructor(layer) {
    layer.setAttribute("aria-hidden", "true");
    this.layer = layer;
    this.avatars = new Pool(layer, "label label-avatar", MAX_AVATAR_LABELS + 1);
    this.visibleAvatars = 0;
    this.classmates = new Set(); // avatar ids of one's class, labelled as such
    this.selfBox = null;
    this.markerBoxes = [];
    this.measure = document.createElement("canvas").getContext("2d");
    this.measure.font = "600 13px system-ui, sans-serif";
    this.widths = new Map();
  }

  _width(text) {
    let w = this.widths.get(text);
    if (w === undefined) {
      w = this.measure.measureText(text).width + 14;
      if (this.widths.size > 2000) this.widths.clear();
      this.widths.set(text, w);
    }
    return w;
  }

  /**
   * Lays out labels for this frame. view: project(x, y, h) -> {x, y,
   * visible} in CSS pixels, occluded(x, y, h) -> bool. nearest: the avatars
   * nearest first.
   */
  update(world, zone, view, nearest) {
    const w = this.layer.clientWidth;
    const h = this.layer.clientHeight;
    const onScreen = (p) => p.visible && p.x > -50 && p.y > -20 && p.x < w + 50 && p.y < h + 40;
    const self = world.self;
    const taken = [];
    this.markerBoxes = [];
    this.selfBox = null;

    // One's own avatar and the markers around are kept clear.
    if (self.known) {
      const feet = view.project(self.x, self.y, 0);
      const head = view.project(self.x, self.y, HEAD);
      if (feet.visible && head.visible) {
        const half = Math.max(10, (feet.y - head.y) * 0.35);
        this.selfBox = { x0: feet.x - half, x1: feet.x + half, y0: head.y - 4, y1: feet.y + 4 };
        taken.push(this.selfBox);
      }
      if (zone) {
        for (const hs of zone.hotspots) {
          if (Math.abs(hs.x - self.x) > MARKER_RANGE || Math.abs(hs.y - self.y) > MARKER_RANGE) continue;
          const p = view.project(hs.x, hs.y, MARKER_Y);
          if (!onScreen(p)) continue;
          const b = { x0: p.x - 13, x1: p.x + 13, y0: p.y - 13, y1: p.y + 13 };
          this.markerBoxes.push(b);
          taken.push(b);
        }
      }
    }

    this.avatars.begin();
    const place = (text, x, y, kind) => {
      const hw = this._width(text) / 2;
      const box = { x0: x - hw, x1: x + hw, y0: y - LABEL_H, y1: y };
      for (const o of taken) if (overlaps(box, o)) return false;
      taken.push(box);
      return this.avatars.place(text, x, y, kind, box);
    };
    let n = 0;
    if (self.known && this.selfBox) {
      // Above one's head, outside the kept-clear box; a little higher when a marker is there.
      const text = world.pseudonym ? `${world.pseudonym} (toi)` : "Toi";
      const x = (this.selfBox.x0 + this.selfBox.x1) / 2;
      const spots = [[0, 0], [0, -14], [0, -28], [-60, 0], [60, 0], [0, -42], [-60, -20], [60, -20]];
      for (const [dx, dy] of spots) if (place(text, x + dx, this.selfBox.y0 - 1 + dy, "self")) break;
    }
    for (const a of nearest) {
      if (n >= MAX_AVATAR_LABELS) break;
      const p = view.project(a.rx, a.ry, HEAD);
      if (!onScreen(p)) continue;
      if (view.occluded(a.rx, a.ry, HEAD)) continue;
      const tag = roleOf(a.role).tag;
      const mate = this.classmates && this.classmates.has(a.id);
      const kind = a.role === 1 ? "pro" : a.role === 2 ? "teacher" : mate ? "classmate" : "";
      const text = tag ? `${a.pseudonym} (${tag.toLowerCase()})` : mate ? `${a.pseudonym} (ma classe)` : a.pseudonym;
      if (place(text, p.x, p.y, kind)) n++;
    }
    this.avatars.end();
    this.visibleAvatars = n;
  }

  /** The boxes of the labels shown (for the tests). */
  boxes() {
    return this.avatars.items.filter((it) => it.shown).map((it) => ({ ...it.box, text: it.text, kind: it.kind }));
  }
}
