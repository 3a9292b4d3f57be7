// A height per tile of what hides things: the solid part of each building
// (open structures such as cranes, wind turbines or solar panels hide
// nothing). Marching a segment over it answers "is this label behind a
// building?" and "which building is under the pointer?" in a few hundred
// array reads, with no raycasting against meshes.

/** How much of a building's height hides what is behind it, by kind. */
const SOLID = {
  crane: 0, wind_turbine: 0, solar_farm: 0, chimney: 0.9, welcome_sign: 0, map_board: 0, lighthouse: 0.8,
  ship: 0.55, tidal_plant: 0.5, agora_stage: 0.3, container_stack: 1, cooling_tower: 1,
};

export function occluderHeights(z) {
  const h = new Float32Array(z.cols * z.rows);
  for (const b of z.buildings) {
    const f = Object.hasOwn(SOLID, b.kind) ? SOLID[b.kind] : 1;
    const top = (b.height || 6) * f;
    if (!(top > 0.5)) continue;
    const c0 = Math.max(0, Math.floor(b.rect.x / z.tile + 1e-6));
    const c1 = Math.min(z.cols, Math.ceil((b.rect.x + b.rect.w) / z.tile - 1e-6));
    const r0 = Math.max(0, Math.floor(b.rect.y / z.tile + 1e-6));
    const r1 = Math.min(z.rows, Math.ceil((b.rect.y + b.rect.h) / z.tile - 1e-6));
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) h[r * z.cols + c] = Math.max(h[r * z.cols + c], top);
  }
  return h;
}

export class Heightmap {
  constructor(z, heights) {
    this.z = z;
    this.h = heights;
  }

  at(x, y) {
    const z = this.z;
    const c = Math.floor(x / z.tile);
    const r = Math.floor(y / z.tile);
    if (c < 0 || r < 0 || c >= z.cols || r >= z.rows) return 0;
    return this.h[r * z.cols + c];
  }

  /**
   * Marches from a to b (three.js [x, y, z] points, y up) and returns the
   * first point where a building rises above the segment, or null. The last
   * metre before b is not checked (b's own building).
   */
  firstHit(a, b, skipEnd = 1) {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const dz = b[2] - a[2];
    const len = Math.hypot(dx, dz);
    if (len < 1e-6) return null;
    const step = this.z.tile / 2;
    const n = Math.ceil(len / step);
    const stop = Math.max(0, len - skipEnd);
    for (let i = 1; i <= n; i++) {
      const t = Math.min(1, (i * step) / len);
      if (t * len > stop) break;
      const x = a[0] + dx * t;
      const zz = a[2] + dz * t;
      const y = a[1] + dy * t;
      if (this.at(x, zz) > y) return [x, y, zz];
    }
    return null;
  }

  blocks(a, b) {
    return this.firstHit(a, b, 1.5) !== null;
  }
}
