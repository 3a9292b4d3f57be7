// Colours of the map, shared by the 3D view, the 2D view and the minimap.

import { drawKindIcon, ICON_KINDS } from "./icons2d.js";

export const TERRAIN_COLORS = {
  ground: "#c9c3b4",
  road: "#6e6e73",
  quay: "#a39a8a",
  water: "#2f6fb0",
  grass: "#7fb069",
  plaza: "#e3d9c0",
};
export const BLOCKED_COLOR = "#8d8779";

export const BUILDING_COLORS = {
  factory: "#a4553a",
  power_plant: "#6f7c8a",
  chimney: "#c8352b",
  cooling_tower: "#8d8a82",
  solar_farm: "#1e3f7a",
  wind_turbine: "#5f8fb4",
  tidal_plant: "#2a7f8f",
  warehouse: "#3f6e9e",
  tank: "#7d8b95",
  silo: "#a69c84",
  crane: "#d0541f",
  container_stack: "#8e44ad",
  ship: "#24425f",
  lighthouse: "#c8352b",
  port_office: "#1f3a5c",
  info_centre: "#1f6fd1",
  training_centre: "#2e8a57",
  office: "#5d6d7e",
  agora_stage: "#c05780",
  welcome_sign: "#b3400b",
  map_board: "#1f3a5c",
};
export const DEFAULT_BUILDING = "#9e9e9e";

// Booth floors: a qualitative palette, picked by the booth's sector key.
const BOOTH_PALETTE = ["#f4a259", "#5b8e7d", "#bc4b51", "#8cb369", "#4d9de0", "#e1bc29", "#7768ae", "#3bb273", "#e15554", "#f7b2bd"];
export function boothColor(sector) {
  let h = 0;
  for (const ch of String(sector)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return BOOTH_PALETTE[h % BOOTH_PALETTE.length];
}

export const SELF_COLOR = "#ff7f11";

export function terrainColor(zone, kindIndex) {
  const name = zone.terrainKinds[kindIndex];
  return TERRAIN_COLORS[name] || TERRAIN_COLORS.ground;
}

/** Parses "#rrggbb" into [r, g, b] bytes. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Paints the terrain into an RGBA byte array, one pixel per tile. With
 * flipRows, row 0 of the image is the zone's southern row (GL textures).
 */
export function terrainPixels(zone, flipRows = false) {
  const { cols, rows } = zone;
  const out = new Uint8Array(cols * rows * 4);
  const cache = zone.terrainKinds.map((_, i) => rgb(terrainColor(zone, i)));
  const fallback = rgb(TERRAIN_COLORS.ground);
  for (let r = 0; r < rows; r++) {
    const dst = flipRows ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const col = cache[zone.terrain[i]] || fallback;
      const o = (dst * cols + c) * 4;
      out[o] = col[0];
      out[o + 1] = col[1];
      out[o + 2] = col[2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * A canvas with the terrain, booths and buildings (with their kind's icon)
 * drawn at `scale` px per metre. Options: hotspots + drawShape (markers),
 * names (building and booth names, when large enough to read), areas
 * (dashed outlines), here {x, y} (a "Tu es ici" dot, for the map board).
 */
export function paintMap(zone, scale, { hotspots = false, drawShape, names = false, areas = false, here = null } = {}) {
  const cv = document.createElement("canvas");
  cv.width = Math.max(1, Math.round(zone.width * scale));
  cv.height = Math.max(1, Math.round(zone.height * scale));
  const g = cv.getContext("2d");
  const tiles = document.createElement("canvas");
  tiles.width = zone.cols;
  tiles.height = zone.rows;
  const tg = tiles.getContext("2d");
  tg.putImageData(new ImageData(new Uint8ClampedArray(terrainPixels(zone).buffer), zone.cols, zone.rows), 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(tiles, 0, 0, cv.width, cv.height);
  for (const b of zone.booths) {
    g.fillStyle = boothColor(b.sector);
    g.globalAlpha = 0.8;
    g.fillRect(b.rect.x * scale, b.rect.y * scale, b.rect.w * scale, b.rect.h * scale);
    g.globalAlpha = 1;
  }
  if (areas) {
    g.lineWidth = Math.max(1, scale / 2);
    g.strokeStyle = "rgba(20,20,20,0.55)";
    g.setLineDash([4 * scale, 3 * scale]);
    for (const a of zone.areas) if (a.kind !== "spawn") g.strokeRect(a.rect.x * scale, a.rect.y * scale, a.rect.w * scale, a.rect.h * scale);
    g.setLineDash([]);
  }
  let generic = 0; // buildings of a kind with no icon
  for (const b of zone.buildings) {
    const x = b.rect.x * scale;
    const y = b.rect.y * scale;
    const w = b.rect.w * scale;
    const h = b.rect.h * scale;
    g.fillStyle = BUILDING_COLORS[b.kind] || DEFAULT_BUILDING;
    g.fillRect(x, y, w, h);
    g.strokeStyle = "rgba(0,0,0,0.45)";
    g.lineWidth = Math.max(1, scale / 4);
    g.strokeRect(x, y, w, h);
    const s = Math.min(w, h) * 0.8;
    if (s >= 5) {
      if (!drawKindIcon(g, b.kind, x + w / 2, y + h / 2, Math.min(s, 10 * scale))) generic++;
    } else if (!ICON_KINDS.includes(b.kind)) generic++;
  }
  cv.genericIcons = generic;
  if (hotspots && drawShape) {
    for (const h of zone.hotspots) drawShape(g, h, h.x * scale, h.y * scale, Math.max(3, scale * 0.7));
  }
  if (names && scale >= 2) {
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.lineJoin = "round";
    const label = (text, x, y, px) => {
      g.font = `700 ${px}px system-ui, "DejaVu Sans", sans-serif`;
      g.lineWidth = 3;
      g.strokeStyle = "rgba(255,255,255,0.9)";
      g.strokeText(text, x, y);
      g.fillStyle = "#14213d";
      g.fillText(text, x, y);
    };
    const seen = new Set();
    for (const b of zone.buildings) {
      if (!b.name || seen.has(b.name) || b.rect.w * b.rect.h < 60) continue;
      seen.add(b.name);
      label(b.name, (b.rect.x + b.rect.w / 2) * scale, (b.rect.y + b.rect.h) * scale + 2.5 * scale, Math.round(2.6 * scale));
    }
    for (const b of zone.booths) label(b.name, (b.rect.x + b.rect.w / 2) * scale, (b.rect.y + 1.4) * scale, Math.round(1.6 * scale));
  }
  if (here) {
    const x = here.x * scale;
    const y = here.y * scale;
    g.beginPath();
    g.arc(x, y, Math.max(6, 4 * scale), 0, Math.PI * 2);
    g.fillStyle = "#d7263d";
    g.fill();
    g.lineWidth = Math.max(2, scale);
    g.strokeStyle = "#ffffff";
    g.stroke();
    g.font = `700 ${Math.round(8 * scale)}px system-ui, "DejaVu Sans", sans-serif`;
    g.textAlign = "left";
    g.textBaseline = "middle";
    g.lineWidth = 4;
    g.strokeText("Tu es ici", x + 6 * scale, y);
    g.fillStyle = "#14213d";
    g.fillText("Tu es ici", x + 6 * scale, y);
  }
  return cv;
}
