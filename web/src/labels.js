// A DOM overlay of text labels placed over the view: pseudonyms of the
// nearest avatars (capped) and the names of nearby booths. It works with any
// view that can project a zone point to screen pixels, 3D or 2D. The overlay
// is hidden from assistive tech: the same facts are given as text elsewhere.

const MAX_AVATAR_LABELS = 30;
const MAX_PLACE_LABELS = 14;
const PLACE_RANGE = 140; // metres

class Pool {
  constructor(layer, className, n) {
    this.items = [];
    for (let i = 0; i < n; i++) {
      const el = document.createElement("div");
      el.className = className;
      el.hidden = true;
      layer.appendChild(el);
      this.items.push({ el, text: "", shown: false, x: -1, y: -1 });
    }
    this.used = 0;
  }
  begin() {
    this.used = 0;
  }
  place(text, x, y, extraClass = "") {
    if (this.used >= this.items.length) return false;
    const it = this.items[this.used++];
    if (it.text !== text) {
      it.el.textContent = text;
      it.text = text;
    }
    if (it.extra !== extraClass) {
      it.el.dataset.kind = extraClass;
      it.extra = extraClass;
    }
    const rx = Math.round(x);
    const ry = Math.round(y);
    if (rx !== it.x || ry !== it.y) {
      it.el.style.transform = `translate(${rx}px, ${ry}px) translate(-50%, -100%)`;
      it.x = rx;
      it.y = ry;
    }
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

export class Labels {
  constructor(layer) {
    layer.setAttribute("aria-hidden", "true");
    this.layer = layer;
    this.places = new Pool(layer, "label label-place", MAX_PLACE_LABELS);
    this.avatars = new Pool(layer, "label label-avatar", MAX_AVATAR_LABELS + 1);
    this.visibleAvatars = 0;
  }

  /**
   * Lays out labels for this frame. project(x, y, height) returns
   * {x, y, visible} in CSS pixels relative to the view.
   */
  update(world, zone, project, nearest) {
    const w = this.layer.clientWidth;
    const h = this.layer.clientHeight;
    const onScreen = (p) => p.visible && p.x > -50 && p.y > -20 && p.x < w + 50 && p.y < h + 40;
    const self = world.self;

    this.places.begin();
    if (zone && self.known) {
      const cand = [];
      for (const b of zone.booths) {
        const cx = b.rect.x + b.rect.w / 2;
        const cy = b.rect.y + b.rect.h / 2;
        const d = Math.hypot(cx - self.x, cy - self.y);
        if (d < PLACE_RANGE) cand.push({ name: b.name, cx, cy, d });
      }
      cand.sort((a, b) => a.d - b.d);
      for (const c of cand.slice(0, MAX_PLACE_LABELS)) {
        const p = project(c.cx, c.cy, 0.2);
        if (onScreen(p)) this.places.place(c.name, p.x, p.y);
      }
    }
    this.places.end();

    // Pseudonyms, nearest first, skipping those that would overlap one
    // already placed (in a crowd only the readable ones are shown).
    this.avatars.begin();
    const boxes = [];
    const free = (text, p) => {
      const hw = text.length * 3.6 + 8;
      const b = { x0: p.x - hw, x1: p.x + hw, y0: p.y - 20, y1: p.y };
      for (const o of boxes) if (b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0) return false;
      boxes.push(b);
      return true;
    };
    let n = 0;
    if (self.known) {
      const p = project(self.x, self.y, 2.3);
      if (onScreen(p) && free(world.pseudonym, p)) this.avatars.place(world.pseudonym, p.x, p.y, "self");
    }
    for (const a of nearest) {
      if (n >= MAX_AVATAR_LABELS) break;
      const p = project(a.rx, a.ry, 2.3);
      if (!onScreen(p) || !free(a.pseudonym, p)) continue;
      this.avatars.place(a.pseudonym, p.x, p.y, a.role === 1 ? "pro" : a.role === 2 ? "teacher" : "");
      n++;
    }
    this.avatars.end();
    this.visibleAvatars = n;
  }
}
