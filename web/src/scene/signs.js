// Name signs of the 3D view: every text is drawn once into cells of one
// canvas texture (an atlas), and each sign is a quad of the merged "sign"
// mesh pointing at its cell, so all signs together are one draw call.
// Texts come from the zone (organisers' names): drawn with canvas text,
// never parsed as HTML.

import * as THREE from "three";

const SIZE = 2048;
const CELL_W = 512;
const CELL_H = 96;
const COLS = SIZE / CELL_W;
const ROWS = Math.floor(SIZE / CELL_H);

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';

/** Splits text into at most two lines that fit maxW with the context's font. */
function wrap(g, text, maxW) {
  if (g.measureText(text).width <= maxW) return [text];
  const words = text.split(/\s+/);
  let best = [text];
  let bestW = Infinity;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(" ");
    const b = words.slice(i).join(" ");
    const w = Math.max(g.measureText(a).width, g.measureText(b).width);
    if (w < bestW) {
      bestW = w;
      best = [a, b];
    }
  }
  return best;
}

export class SignAtlas {
  constructor() {
    this.canvas = document.createElement("canvas");
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.g = this.canvas.getContext("2d");
    this.cells = new Map(); // style|text -> uv
    this.used = 0;
    this.missing = 0; // signs that did not fit in the atlas
    this.texture = new THREE.CanvasTexture(this.canvas);
    this.texture.colorSpace = THREE.SRGBColorSpace;
    this.texture.anisotropy = 4;
    this.texture.generateMipmaps = true;
    this.texture.minFilter = THREE.LinearMipmapLinearFilter;
  }

  /**
   * The uv rect [u0, v0, u1, v1] of a sign with text, drawn once. style:
   * {bg, fg, band} colours (band: a stripe at the bottom, optional).
   * Returns null when the atlas is full.
   */
  cell(text, style = {}) {
    const bg = style.bg || "#14213d";
    const fg = style.fg || "#ffffff";
    const key = `${bg}|${fg}|${style.band || ""}|${text}`;
    if (this.cells.has(key)) return this.cells.get(key);
    if (this.used >= COLS * ROWS) {
      this.missing++;
      return null;
    }
    const i = this.used++;
    const x = (i % COLS) * CELL_W;
    const y = Math.floor(i / COLS) * CELL_H;
    const g = this.g;
    g.save();
    g.beginPath();
    g.rect(x, y, CELL_W, CELL_H);
    g.clip();
    g.fillStyle = bg;
    g.fillRect(x, y, CELL_W, CELL_H);
    if (style.band) {
      g.fillStyle = style.band;
      g.fillRect(x, y + CELL_H - 14, CELL_W, 14);
    }
    g.strokeStyle = "rgba(255,255,255,0.35)";
    g.lineWidth = 4;
    g.strokeRect(x + 4, y + 4, CELL_W - 8, CELL_H - 8);
    g.fillStyle = fg;
    g.textAlign = "center";
    g.textBaseline = "middle";
    let size = 46;
    g.font = `700 ${size}px ${FONT}`;
    let lines = wrap(g, text, CELL_W - 36);
    if (lines.length > 1) {
      size = 34;
      g.font = `700 ${size}px ${FONT}`;
      lines = wrap(g, text, CELL_W - 36);
    }
    const inner = CELL_H - (style.band ? 14 : 0);
    lines.forEach((l, k) => {
      const ly = y + inner / 2 + (k - (lines.length - 1) / 2) * (size + 4);
      g.fillText(l, x + CELL_W / 2, ly, CELL_W - 30);
    });
    g.restore();
    this.texture.needsUpdate = true;
    // Canvas y grows downward; texture v grows upward (flipY).
    const uv = [x / SIZE, 1 - (y + CELL_H) / SIZE, (x + CELL_W) / SIZE, 1 - y / SIZE];
    this.cells.set(key, uv);
    return uv;
  }

  /** The aspect (width / height) of a cell, to size signs without stretching. */
  static get aspect() {
    return CELL_W / CELL_H;
  }
}
