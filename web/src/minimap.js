// The minimap: the whole zone with its areas and booths, one's position and
// the avatars in view, classmates wherever they are (marks), the next step
// of a class route and the way to it. Redrawn a few times per second. A
// click on it walks there (GOTO). The teacher's page draws its larger map of
// the class with the same code (opts maxW/maxH, labels).

import { paintMap, SELF_COLOR } from "./palette.js";
import { COLOURS } from "./look.js";

export class Minimap {
  /**
   * opts: maxW, maxH (CSS pixels of the whole zone), labels (write the
   * marks' names beside them), every (ms between two drawings), square
   * (oneself as a square, without the camera's direction: the teacher's map).
   */
  constructor(canvas, zone, onGoto, { maxW = 220, maxH = 180, labels = false, every = 200, square = false } = {}) {
    this.canvas = canvas;
    this.zone = zone;
    this.labels = labels;
    this.square = square;
    this.every = every;
    this.marks = [];
    this.target = null;
    this.scale = Math.min(maxW / zone.width, maxH / zone.height);
    const w = Math.max(1, Math.round(zone.width * this.scale));
    const h = Math.max(1, Math.round(zone.height * this.scale));
    this.dpr = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = Math.round(w * this.dpr);
    canvas.height = Math.round(h * this.dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    this.w = w;
    this.h = h;
    this.bg = paintMap(zone, this.scale * this.dpr * 2);
    this.seen = new Set();
    this.g = canvas.getContext("2d");
    this.lastDraw = 0;
    canvas.addEventListener("click", (ev) => {
      const r = canvas.getBoundingClientRect();
      const x = ((ev.clientX - r.left) / r.width) * zone.width;
      const y = ((ev.clientY - r.top) / r.height) * zone.height;
      onGoto(x, y);
    });
  }

  /** Seen contents (a Set of hotspot ids) get a white dot. */
  setSeen(seen) {
    this.seen = seen;
    this.lastDraw = 0;
  }

  /**
   * Avatars drawn wherever they are, over those in view: classmates for a
   * pupil, the class for its teacher. [{id, x, y (metres), colour, label,
   * away (not connected), kind: "classmate"|"teacher"}].
   */
  setMarks(marks) {
    this.marks = marks || [];
    this.lastDraw = 0;
  }

  /** The next step of a class route, {x, y, title, path: [{x, y}] (metres)}, or null. */
  setTarget(t) {
    this.target = t || null;
    this.lastDraw = 0;
  }

  draw(world, now, azimuth = 0) {
    if (now - this.lastDraw < this.every) return;
    this.lastDraw = now;
    const g = this.g;
    const s = this.scale;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.drawImage(this.bg, 0, 0, this.w, this.h);
    // Areas of interest as outlines.
    g.lineWidth = 1;
    g.strokeStyle = "rgba(20,20,20,0.7)";
    g.setLineDash([3, 2]);
    for (const a of this.zone.areas) {
      if (a.kind === "spawn") continue;
      g.strokeRect(a.rect.x * s, a.rect.y * s, a.rect.w * s, a.rect.h * s);
    }
    g.setLineDash([]);
    if (this.seen.size) {
      g.fillStyle = "#ffffff";
      g.strokeStyle = "#14213d";
      g.lineWidth = 0.8;
      for (const h of this.zone.hotspots) {
        if (!this.seen.has(h.id)) continue;
        g.beginPath();
        g.arc(h.x * s, h.y * s, 1.8, 0, Math.PI * 2);
        g.fill();
        g.stroke();
      }
    }
    const marked = new Set(this.marks.map((m) => m.id));
    for (const a of world.view.values()) {
      if (marked.has(a.id)) continue;
      g.fillStyle = (COLOURS[a.colour] || COLOURS[0]).hex;
      g.fillRect(a.rx * s - 1.5, a.ry * s - 1.5, 3, 3);
    }
    const self = world.self;
    this._drawWay(self, s);
    this._drawMarks(world, s);
    if (!self.known) return;
    const x = self.x * s;
    const y = self.y * s;
    if (this.square) {
      g.fillStyle = SELF_COLOR;
      g.fillRect(x - 6, y - 6, 12, 12);
      g.lineWidth = 2;
      g.strokeStyle = "#1a1a1a";
      g.strokeRect(x - 6, y - 6, 12, 12);
      return;
    }
    // Where the camera looks.
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x - Math.sin(azimuth) * 14, y - Math.cos(azimuth) * 14);
    g.strokeStyle = "#1a1a1a";
    g.lineWidth = 2;
    g.stroke();
    g.beginPath();
    g.arc(x, y, 4.5, 0, Math.PI * 2);
    g.fillStyle = SELF_COLOR;
    g.fill();
    g.lineWidth = 2;
    g.strokeStyle = "#1a1a1a";
    g.stroke();
  }

  /** The route's next step: a flag, and the way there (the walked path, else a straight dashed line). */
  _drawWay(self, s) {
    const t = this.target;
    if (!t) return;
    const g = this.g;
    if (self.known) {
      g.beginPath();
      g.moveTo(self.x * s, self.y * s);
      const it = self.intent;
      let pts = it && it.kind === "path" ? it.points.slice(it.i || 0) : [];
      let last = pts[pts.length - 1];
      // Not walking there: the server's way from where one stood, while one is still near its start.
      if ((!last || Math.hypot(last.x - t.x, last.y - t.y) >= 6) && t.path && t.path.length && Math.hypot(t.path[0].x - self.x, t.path[0].y - self.y) < 4) {
        pts = t.path;
        last = pts[pts.length - 1];
      }
      const onPath = last && Math.hypot(last.x - t.x, last.y - t.y) < 6;
      if (onPath) for (const p of pts) g.lineTo(p.x * s, p.y * s);
      else g.lineTo(t.x * s, t.y * s);
      g.setLineDash(onPath ? [] : [4, 3]);
      g.strokeStyle = "#0f4a36";
      g.lineWidth = 2;
      g.stroke();
      g.setLineDash([]);
    }
    const x = t.x * s;
    const y = t.y * s;
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x, y - 12);
    g.strokeStyle = "#14213d";
    g.lineWidth = 1.5;
    g.stroke();
    g.beginPath();
    g.moveTo(x, y - 12);
    g.lineTo(x + 9, y - 9);
    g.lineTo(x, y - 6);
    g.closePath();
    g.fillStyle = "#0f7a52";
    g.fill();
  }

  /** Classmates (or the class, on the teacher's map): a dot in the avatar's colour in a white and dark ring. */
  _drawMarks(world, s) {
    const g = this.g;
    for (const m of this.marks) {
      // One in view is drawn where the view interpolates it, else where the class list says.
      const a = world.view.get(m.id);
      const x = (a ? a.rx : m.x) * s;
      const y = (a ? a.ry : m.y) * s;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const r = m.kind === "teacher" ? 5 : 4;
      g.beginPath();
      g.arc(x, y, r + 1.5, 0, Math.PI * 2);
      g.fillStyle = "#ffffff";
      g.fill();
      g.beginPath();
      if (m.kind === "teacher") g.rect(x - r, y - r, r * 2, r * 2);
      else g.arc(x, y, r, 0, Math.PI * 2);
      g.fillStyle = m.away ? "#9a9a9a" : (COLOURS[m.colour] || COLOURS[0]).hex;
      g.fill();
      g.lineWidth = 1.5;
      g.strokeStyle = "#14213d";
      g.stroke();
      if (this.labels && m.label) {
        g.font = "600 12px system-ui, sans-serif";
        g.lineWidth = 3;
        g.strokeStyle = "rgba(255,255,255,0.9)";
        g.strokeText(m.label, x + r + 3, y + 4);
        g.fillStyle = "#14213d";
        g.fillText(m.label, x + r + 3, y + 4);
      }
    }
  }
}
