// The 2D view (canvas, top-down, north up) used where WebGL is missing: the
// same places as the 3D view, each building with its kind's icon and its
// name, avatars in their colour and shape. Same interface as View3D: render,
// project, screenToGround, pickHotspot, occluded, setSeen, orbit (ignored),
// zoom.

import { paintMap, SELF_COLOR } from "./palette.js";
import { challengeColor } from "./texts.js";
import { COLOURS } from "./look.js";

/** An avatar's shape seen from above, radius r, at (x, y). */
function avatarPath(g, shape, x, y, r) {
  g.beginPath();
  switch (shape) {
    case 1:
      g.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 2:
      g.moveTo(x, y - r * 1.1);
      g.lineTo(x + r, y + r * 0.75);
      g.lineTo(x - r, y + r * 0.75);
      g.closePath();
      break;
    case 3:
      for (let i = 0; i < 6; i++) {
        const a = (i * Math.PI) / 3;
        if (i) g.lineTo(x + Math.cos(a) * r, y + Math.sin(a) * r);
        else g.moveTo(x + r, y);
      }
      g.closePath();
      break;
    default:
      g.arc(x, y, r, 0, Math.PI * 2);
  }
}

const MAP_SCALE = 4; // px per metre of the pre-painted map

/** Draws a hotspot's shape (one per challenge, so colour is not the only cue). */
export function drawHotspotShape(g, h, x, y, r) {
  g.beginPath();
  switch (h.challenge) {
    case "innovation": // diamond
      g.moveTo(x, y - r); g.lineTo(x + r, y); g.lineTo(x, y + r); g.lineTo(x - r, y); g.closePath();
      break;
    case "industrie-4.0": // square
      g.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
      break;
    case "developpement-durable": // triangle
      g.moveTo(x, y - r); g.lineTo(x + r, y + r * 0.8); g.lineTo(x - r, y + r * 0.8); g.closePath();
      break;
    default: // circle
      g.arc(x, y, r * 0.85, 0, Math.PI * 2);
  }
  g.fillStyle = challengeColor(h.challenge);
  g.fill();
  g.lineWidth = Math.max(1.5, r / 4);
  g.strokeStyle = "#1a1a1a";
  g.stroke();
}

export class View2D {
  constructor(host, zone, opts = {}) {
    this.motion = opts.motion !== false;
    this.kind = "2d";
    this.host = host;
    this.zone = zone;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "view-canvas";
    host.prepend(this.canvas);
    this.g = this.canvas.getContext("2d");
    this.mapScale = Math.min(MAP_SCALE, 4096 / Math.max(zone.width, zone.height, 1));
    this.map = paintMap(zone, this.mapScale, { hotspots: true, drawShape: drawHotspotShape, names: true });
    this.seen = new Set();
    this.genericModels = this.map.genericIcons || 0;
    this.info = { calls: 0, triangles: 0 };
    this.azimuth = 0;
    this.scale = 8; // px per metre on screen
    this.cx = zone.width / 2;
    this.cy = zone.height / 2;
    this.resize();
  }

  resize() {
    this.dpr = Math.min(window.devicePixelRatio || 1, 2);
    this.width = Math.max(1, this.host.clientWidth);
    this.height = Math.max(1, this.host.clientHeight);
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
  }

  orbit() { /* north stays up in 2D */ }

  zoom(factor) {
    this.scale = Math.min(30, Math.max(2, this.scale / factor));
  }

  render(world, now, dt) {
    const self = world.self;
    if (self.known) {
      const k = this.motion ? Math.min(1, dt * 10) : 1;
      const far = Math.hypot(self.x - this.cx, self.y - this.cy) > 30;
      this.cx = far ? self.x : this.cx + (self.x - this.cx) * k;
      this.cy = far ? self.y : this.cy + (self.y - this.cy) * k;
    }
    const g = this.g;
    const s = this.scale;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.fillStyle = "#9bb48a";
    g.fillRect(0, 0, this.width, this.height);
    // The visible part of the pre-painted map, the sea beyond its south edge.
    const ox = this.width / 2 - this.cx * s;
    const oy = this.height / 2 - this.cy * s;
    g.fillStyle = "#2d6da6";
    g.fillRect(0, oy + this.zone.height * s - 1, this.width, this.height);
    g.imageSmoothingEnabled = s < this.mapScale;
    g.drawImage(this.map, ox, oy, this.zone.width * s, this.zone.height * s);
    // Seen contents get a white tick.
    if (this.seen.size && s >= 4) {
      g.lineWidth = 2;
      g.strokeStyle = "#ffffff";
      for (const h of this.zone.hotspots) {
        if (!this.seen.has(h.id)) continue;
        const x = ox + h.x * s;
        const y = oy + h.y * s;
        if (x < -10 || y < -10 || x > this.width + 10 || y > this.height + 10) continue;
        g.beginPath();
        g.moveTo(x - 4, y);
        g.lineTo(x - 1, y + 3);
        g.lineTo(x + 4, y - 3);
        g.stroke();
      }
    }
    // Others, in their colour and shape; professionals and teachers ringed.
    const r = Math.max(3, 0.45 * s);
    for (const a of world.view.values()) {
      const x = ox + a.rx * s;
      const y = oy + a.ry * s;
      if (x < -r || y < -r || x > this.width + r || y > this.height + r) continue;
      avatarPath(g, a.shape, x, y, r);
      g.fillStyle = (COLOURS[a.colour] || COLOURS[0]).hex;
      g.fill();
      g.lineWidth = a.role ? 3 : 1.5;
      g.strokeStyle = a.role === 1 ? "#ffd21f" : a.role === 2 ? "#1d4d3a" : "#ffffff";
      g.stroke();
    }
    if (self.known) {
      const it = self.intent;
      if (it && it.kind === "path" && it.points.length) {
        g.beginPath();
        g.moveTo(ox + self.x * s, oy + self.y * s);
        for (let i = it.i; i < it.points.length; i++) g.lineTo(ox + it.points[i].x * s, oy + it.points[i].y * s);
        g.setLineDash([6, 6]);
        g.lineWidth = 2;
        g.strokeStyle = "#ffffff";
        g.stroke();
        g.setLineDash([]);
      }
      const x = ox + self.x * s;
      const y = oy + self.y * s;
      g.beginPath();
      g.arc(x, y, r * 1.7, 0, Math.PI * 2);
      g.lineWidth = 3;
      g.strokeStyle = SELF_COLOR;
      g.stroke();
      avatarPath(g, world.look.shape, x, y, r * 1.2);
      g.fillStyle = (COLOURS[world.look.colour] || COLOURS[0]).hex;
      g.fill();
      g.lineWidth = 3;
      g.strokeStyle = "#1a1a1a";
      g.stroke();
    }
  }

  setSeen(seen) {
    this.seen = seen;
  }

  occluded() {
    return false;
  }

  /** Like View3D.project; a height above 1 m lifts the point above the avatar's dot. */
  project(x, y, h = 0) {
    const s = this.scale;
    const px = this.width / 2 + (x - this.cx) * s;
    const py = this.height / 2 + (y - this.cy) * s - (h > 1 ? Math.max(6, 0.6 * s) : 0);
    return { x: px, y: py, visible: true };
  }

  screenToGround(px, py) {
    const x = this.cx + (px - this.width / 2) / this.scale;
    const y = this.cy + (py - this.height / 2) / this.scale;
    if (x < 0 || y < 0 || x > this.zone.width || y > this.zone.height) return null;
    return { x, y };
  }

  pickHotspot(px, py, radius = 22) {
    let best = null;
    let bestD = Math.max(radius, this.scale * 0.9);
    for (const h of this.zone.hotspots) {
      const d = Math.hypot(this.width / 2 + (h.x - this.cx) * this.scale - px, this.height / 2 + (h.y - this.cy) * this.scale - py);
      if (d < bestD) {
        bestD = d;
        best = h;
      }
    }
    return best;
  }

  dispose() {
    this.canvas.remove();
  }
}
