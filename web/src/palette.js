// Colours of the map, shared by the 3D view, the 2D view and the minimap.

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
  factory: "#b5651d",
  power_plant: "#8c8c94",
  tidal_plant: "#4a90a4",
  warehouse: "#a1887f",
  info_centre: "#f2c14e",
  agora: "#c05780",
  port: "#5d6d7e",
  office: "#9fb3c8",
  silo: "#d8d2c4",
};
export const DEFAULT_BUILDING = "#9e9e9e";

// Booth floors: a qualitative palette, picked by the booth's sector key.
const BOOTH_PALETTE = ["#f4a259", "#5b8e7d", "#bc4b51", "#8cb369", "#4d9de0", "#e1bc29", "#7768ae", "#3bb273", "#e15554", "#f7b2bd"];
export function boothColor(sector) {
  let h = 0;
  for (const ch of String(sector)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return BOOTH_PALETTE[h % BOOTH_PALETTE.length];
}

export const AVATAR_COLORS = ["#3d5a80", "#d1495b", "#2a9d8f"]; // visitor, professional, teacher
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

/** A canvas with the terrain, buildings and booths drawn at `scale` px per metre. */
export function paintMap(zone, scale, { hotspots = false, drawShape } = {}) {
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
    g.globalAlpha = 0.75;
    g.fillRect(b.rect.x * scale, b.rect.y * scale, b.rect.w * scale, b.rect.h * scale);
    g.globalAlpha = 1;
  }
  for (const b of zone.buildings) {
    g.fillStyle = BUILDING_COLORS[b.kind] || DEFAULT_BUILDING;
    g.fillRect(b.rect.x * scale, b.rect.y * scale, b.rect.w * scale, b.rect.h * scale);
    g.strokeStyle = "rgba(0,0,0,0.45)";
    g.lineWidth = Math.max(1, scale / 4);
    g.strokeRect(b.rect.x * scale, b.rect.y * scale, b.rect.w * scale, b.rect.h * scale);
  }
  if (hotspots && drawShape) {
    for (const h of zone.hotspots) drawShape(g, h, h.x * scale, h.y * scale, Math.max(3, scale * 0.7));
  }
  return cv;
}
