// The zone served at /api/zone (world/zone.Zone): loading, decoding of the
// base64 grids and the walking geometry used to predict one's own avatar
// (a port of world/nav.Grid.Move: box collision with sliding along walls).

export const AVATAR_RADIUS = 0.35; // metres, for local prediction only
const EDGE_EPS = 1e-6;
const OVERLAP_EPS = 1e-9;

function b64(s) {
  if (!s) return new Uint8Array(0);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Fetches and prepares the zone. */
export async function loadZone(url = "/api/zone") {
  const res = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
  if (!res.ok) throw new Error(`zone: HTTP ${res.status}`);
  return prepareZone(await res.json());
}

/** Decodes the JSON zone into a Zone with typed grids and lookup helpers. */
export function prepareZone(json) {
  const g = json.grid || {};
  const cols = g.cols | 0;
  const rows = g.rows | 0;
  const tile = g.tile > 0 ? g.tile : 1;
  const terrain = b64(g.terrain);
  const blockedBytes = b64(g.blocked);
  const blocked = new Uint8Array(cols * rows);
  for (let i = 0; i < blocked.length; i++) blocked[i] = i >= blockedBytes.length || blockedBytes[i] ? 1 : 0;
  const zone = {
    id: json.id || "",
    name: json.name || "",
    width: json.width || cols * tile,
    height: json.height || rows * tile,
    cols, rows, tile,
    terrain,
    terrainKinds: g.terrain_kinds || [],
    blocked,
    buildings: json.buildings || [],
    booths: json.booths || [],
    hotspots: json.hotspots || [],
    areas: json.areas || [],
    spawn: json.spawn || { x: 0, y: 0, w: 0, h: 0 },
  };
  zone.hotspotById = new Map(zone.hotspots.map((h) => [h.id, h]));
  zone.boothById = new Map(zone.booths.map((b) => [b.id, b]));
  return zone;
}

/** True when the tile under (x, y) is blocked or (x, y) is outside the map. */
export function blockedAt(z, x, y) {
  if (!(x >= 0 && y >= 0 && x < z.width && y < z.height)) return true;
  const c = Math.floor(x / z.tile);
  const r = Math.floor(y / z.tile);
  if (c >= z.cols || r >= z.rows) return true;
  return z.blocked[r * z.cols + c] === 1;
}

function boxBlocked(z, x0, y0, x1, y1) {
  const inv = 1 / z.tile;
  const fx0 = x0 * inv, fx1 = x1 * inv, fy0 = y0 * inv, fy1 = y1 * inv;
  if (!(fx0 >= -1 && fy0 >= -1 && fx1 <= z.cols + 1 && fy1 <= z.rows + 1)) return true;
  const c0 = Math.floor(fx0 + OVERLAP_EPS);
  const c1 = Math.max(Math.floor(fx1 - OVERLAP_EPS), c0);
  const r0 = Math.floor(fy0 + OVERLAP_EPS);
  const r1 = Math.max(Math.floor(fy1 - OVERLAP_EPS), r0);
  if (c0 < 0 || r0 < 0 || c1 >= z.cols || r1 >= z.rows) return true;
  for (let r = r0; r <= r1; r++) {
    const row = r * z.cols;
    for (let c = c0; c <= c1; c++) if (z.blocked[row + c]) return true;
  }
  return false;
}

export function collides(z, x, y, r = AVATAR_RADIUS) {
  return boxBlocked(z, x - r, y - r, x + r, y + r);
}

function slideX(z, px, py, sx, r) {
  const nx = px + sx;
  if (!boxBlocked(z, nx - r, py - r, nx + r, py + r)) return nx;
  let x;
  if (sx > 0) {
    const c = Math.floor((nx + r) / z.tile - OVERLAP_EPS);
    x = Math.max(px, c * z.tile - r - EDGE_EPS);
  } else {
    const c = Math.floor((nx - r) / z.tile + OVERLAP_EPS);
    x = Math.min(px, (c + 1) * z.tile + r + EDGE_EPS);
  }
  return boxBlocked(z, x - r, py - r, x + r, py + r) ? px : x;
}

function slideY(z, px, py, sy, r) {
  const ny = py + sy;
  if (!boxBlocked(z, px - r, ny - r, px + r, ny + r)) return ny;
  let y;
  if (sy > 0) {
    const c = Math.floor((ny + r) / z.tile - OVERLAP_EPS);
    y = Math.max(py, c * z.tile - r - EDGE_EPS);
  } else {
    const c = Math.floor((ny - r) / z.tile + OVERLAP_EPS);
    y = Math.min(py, (c + 1) * z.tile + r + EDGE_EPS);
  }
  return boxBlocked(z, px - r, y - r, px + r, y + r) ? py : y;
}

/**
 * Moves the avatar at (x, y) by (dx, dy) with sliding; returns {x, y}.
 * Same rules as the server's nav.Grid.Move, so prediction rarely diverges.
 */
export function moveWithCollision(z, x, y, dx, dy, r = AVATAR_RADIUS) {
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) return { x, y };
  if (collides(z, x, y, r)) {
    return collides(z, x + dx, y + dy, r) ? { x, y } : { x: x + dx, y: y + dy };
  }
  const n = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) / (z.tile / 2)));
  const sx = dx / n, sy = dy / n;
  for (let i = 0; i < n; i++) {
    if (sx !== 0) x = slideX(z, x, y, sx, r);
    if (sy !== 0) y = slideY(z, x, y, sy, r);
  }
  return { x, y };
}

const rectCentre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
export { rectCentre };

/** Hotspots within maxDist metres of (x, y), nearest first, with their distance. */
export function hotspotsNear(z, x, y, maxDist = 30) {
  const out = [];
  for (const h of z.hotspots) {
    const d = Math.hypot(h.x - x, h.y - y);
    if (d <= maxDist) out.push({ hotspot: h, dist: d });
  }
  out.sort((a, b) => a.dist - b.dist);
  return out;
}

/**
 * Where (x, y) is, for the "you are here" text: the booth containing it,
 * else the smallest area containing it (the spawn plaza inside the factory
 * quarter), as {kind, name}; null when nowhere named.
 */
export function placeAt(z, x, y) {
  const inside = (r) => x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
  const booth = z.booths.find((b) => inside(b.rect));
  if (booth) return { kind: "booth", name: booth.name };
  let best = null;
  for (const a of z.areas) {
    if (!a.name || !inside(a.rect)) continue;
    if (!best || a.rect.w * a.rect.h < best.rect.w * best.rect.h) best = a;
  }
  return best ? { kind: best.kind, name: best.name } : null;
}
