// The minimap: the whole zone with its areas and booths, one's position and
// the avatars in view. Redrawn a few times per second. A click on it walks
// there (GOTO).

import { paintMap, SELF_COLOR } from "./palette.js";
import { COLOURS } from "./look.js";

export class Minimap {
  constructor(canvas, zone, onGoto) {
    this.canvas = canvas;
    this.zone = zone;
    const maxW = 220;
    const maxH = 180;
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

  draw(world, now, azimuth = 0) {
    if (now - this.lastDraw < 200) return;
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
    for (const a of world.view.values()) {
      g.fillStyle = (COLOURS[a.colour] || COLOURS[0]).hex;
      g.fillRect(a.rx * s - 1.5, a.ry * s - 1.5, 3, 3);
    }
    const self = world.self;
    if (!self.known) return;
    const x = self.x * s;
    const y = self.y * s;
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
}
