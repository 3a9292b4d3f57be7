// What is not a building but makes the zone readable: the company booths
// (coloured floor, back wall with the sector's name, counter), fences where
// the map has wall tiles, bollards along the quay, and trees on the grass.

import * as THREE from "three";
import { boothColor } from "../palette.js";
import { hash } from "./models.js";

/**
 * The side of a booth its back wall stands on: toward the nearest building
 * (booths face away from their factory, onto the street or the plaza), or
 * north when none is near. Returns the unit vector from the booth's centre.
 */
function backSide(bo, buildings) {
  const cx = bo.rect.x + bo.rect.w / 2;
  const cz = bo.rect.y + bo.rect.h / 2;
  let best = null;
  let bestD = 40;
  for (const b of buildings) {
    const bx = Math.max(b.rect.x, Math.min(cx, b.rect.x + b.rect.w));
    const bz = Math.max(b.rect.y, Math.min(cz, b.rect.y + b.rect.h));
    const d = Math.hypot(bx - cx, bz - cz);
    if (d < bestD && (b.height || 0) >= 5) {
      bestD = d;
      best = [b.rect.x + b.rect.w / 2 - cx, b.rect.y + b.rect.h / 2 - cz];
    }
  }
  if (!best) return [0, -1];
  return Math.abs(best[0]) > Math.abs(best[1]) * 1.05 ? [Math.sign(best[0]), 0] : [0, Math.sign(best[1]) || -1];
}

/** The booth's floor, back wall, sign and counter, into the merged parts. */
export function buildBooth(bo, kit, buildings = []) {
  const { P } = kit;
  const r = bo.rect;
  const col = boothColor(bo.sector);
  const cx = r.x + r.w / 2;
  const cz = r.y + r.h / 2;
  P.box("solid", col, cx, 0, cz, r.w - 0.2, 0.06, r.h - 0.2);
  const [dx, dz] = backSide(bo, buildings);
  // Local frame: "back" is (dx, dz); the sign faces the other way.
  const ry = Math.atan2(-dx, -dz); // rotation that turns +z (a sign's front) to -back
  const span = dx ? r.h : r.w;
  const depth = dx ? r.w : r.h;
  const ww = Math.min(span - 2, 10);
  const wx = cx + dx * (depth / 2 - 0.35);
  const wz = cz + dz * (depth / 2 - 0.35);
  P.box("solid", "#f5f5f0", wx, 0, wz, ww, 3.4, 0.3, ry);
  P.box("solid", col, wx, 3.4, wz, ww, 0.5, 0.34, ry);
  const uv = kit.signUV(bo.name, { bg: "#ffffff", fg: "#14213d", band: col });
  if (uv) P.quad("sign", wx - dx * 0.17, 2.35, wz - dz * 0.17, ww - 0.6, (ww - 0.6) / kit.signAspect, uv, ry);
  // The counter, at the front.
  const fx = cx - dx * (depth / 2 - 1.3);
  const fz = cz - dz * (depth / 2 - 1.3);
  P.box("solid", col, fx, 0, fz, Math.min(4, span / 3), 1.05, 0.7, ry);
  P.box("solid", "#ffffff", fx, 1.05, fz, Math.min(4.2, span / 3 + 0.2), 0.08, 0.8, ry);
}

/** Tiles that block but are neither water nor under a building: fences and walls. */
function wallTiles(z) {
  const under = new Uint8Array(z.cols * z.rows);
  for (const b of z.buildings) {
    const c0 = Math.max(0, Math.floor(b.rect.x / z.tile));
    const c1 = Math.min(z.cols, Math.ceil((b.rect.x + b.rect.w) / z.tile));
    const r0 = Math.max(0, Math.floor(b.rect.y / z.tile));
    const r1 = Math.min(z.rows, Math.ceil((b.rect.y + b.rect.h) / z.tile));
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) under[r * z.cols + c] = 1;
  }
  const water = z.terrainKinds.indexOf("water");
  const out = new Uint8Array(z.cols * z.rows);
  for (let i = 0; i < out.length; i++) out[i] = z.blocked[i] && !under[i] && z.terrain[i] !== water ? 1 : 0;
  return out;
}

/** Fences on wall tiles, bollards on the quay's edge: one instanced mesh. */
export function buildFences(z) {
  const walls = wallTiles(z);
  const at = (c, r) => c >= 0 && r >= 0 && c < z.cols && r < z.rows && walls[r * z.cols + c] === 1;
  const m = new THREE.Matrix4();
  const q = new THREE.Quaternion();
  const up = new THREE.Vector3(0, 1, 0);
  const items = [];
  for (let r = 0; r < z.rows; r++) {
    for (let c = 0; c < z.cols; c++) {
      if (!at(c, r)) continue;
      const along = at(c - 1, r) || at(c + 1, r) || !(at(c, r - 1) || at(c, r + 1));
      q.setFromAxisAngle(up, along ? 0 : Math.PI / 2);
      m.compose(new THREE.Vector3((c + 0.5) * z.tile, 0.9, (r + 0.5) * z.tile), q, new THREE.Vector3(z.tile, 1.8, 0.2));
      items.push(m.clone());
    }
  }
  // Bollards every 12 m on quay tiles whose southern neighbour is water.
  const quay = z.terrainKinds.indexOf("quay");
  const water = z.terrainKinds.indexOf("water");
  for (let r = 0; r < z.rows - 1; r++) {
    for (let c = 0; c < z.cols; c += Math.max(1, Math.round(12 / z.tile))) {
      if (z.terrain[r * z.cols + c] === quay && z.terrain[(r + 1) * z.cols + c] === water && !z.blocked[r * z.cols + c]) {
        m.compose(new THREE.Vector3((c + 0.5) * z.tile, 0.35, (r + 0.85) * z.tile), q.identity(), new THREE.Vector3(0.45, 0.7, 0.45));
        items.push(m.clone());
      }
    }
  }
  if (!items.length) return null;
  const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshLambertMaterial({ color: "#4a5560" }), items.length);
  items.forEach((mm, i) => mesh.setMatrixAt(i, mm));
  mesh.castShadow = true;
  return mesh;
}

/** Trees on grass, a few metres from anything walkable that is not grass. */
export function buildTrees(z, density = 1) {
  const grass = z.terrainKinds.indexOf("grass");
  if (grass < 0) return null;
  const isGrass = (c, r) => c >= 0 && r >= 0 && c < z.cols && r < z.rows && z.terrain[r * z.cols + c] === grass && !z.blocked[r * z.cols + c];
  const pts = [];
  const step = Math.max(1, Math.round(6 / z.tile));
  for (let r = 1; r < z.rows - 1; r += step) {
    for (let c = 1; c < z.cols - 1; c += step) {
      const h = hash("tree", r * 7919 + c);
      if (h % 100 > 38 * density) continue;
      let ok = true;
      for (let dr = -1; dr <= 1 && ok; dr++) for (let dc = -1; dc <= 1 && ok; dc++) ok = isGrass(c + dc, r + dr);
      if (!ok) continue;
      pts.push({ x: (c + 0.2 + ((h >> 8) % 60) / 100) * z.tile, z: (r + 0.2 + ((h >> 16) % 60) / 100) * z.tile, s: 0.8 + ((h >> 4) % 50) / 100, k: h % 3 });
    }
  }
  if (!pts.length) return null;
  // Trunk and crown in one geometry, coloured by vertex.
  const trunk = new THREE.CylinderGeometry(0.18, 0.25, 2.2, 5);
  trunk.translate(0, 1.1, 0);
  const crown = new THREE.IcosahedronGeometry(1.6, 0);
  crown.scale(1, 1.25, 1);
  crown.translate(0, 3.4, 0);
  const paint = (g, hex) => {
    const c = new THREE.Color(hex);
    const a = new Float32Array(g.attributes.position.count * 3);
    for (let i = 0; i < a.length; i += 3) a.set([c.r, c.g, c.b], i);
    g.setAttribute("color", new THREE.BufferAttribute(a, 3));
    g.deleteAttribute("uv");
    return g.index ? g.toNonIndexed() : g;
  };
  const geo = mergeTwo(paint(trunk, "#6b4a2f"), paint(crown, "#ffffff"));
  const mesh = new THREE.InstancedMesh(geo, new THREE.MeshLambertMaterial({ vertexColors: true, flatShading: true }), pts.length);
  const m = new THREE.Matrix4();
  const q = new THREE.Quaternion();
  const greens = ["#4f8a3c", "#3e7a37", "#6a9a45"].map((h) => new THREE.Color(h));
  pts.forEach((p, i) => {
    q.setFromAxisAngle(new THREE.Vector3(0, 1, 0), p.s * 5);
    m.compose(new THREE.Vector3(p.x, 0, p.z), q, new THREE.Vector3(p.s, p.s, p.s));
    mesh.setMatrixAt(i, m);
    mesh.setColorAt(i, greens[p.k]);
  });
  mesh.castShadow = true;
  return mesh;
}

/** Concatenates two non-indexed geometries with the same attributes. */
function mergeTwo(a, b) {
  const out = new THREE.BufferGeometry();
  for (const name of ["position", "normal", "color"]) {
    const x = a.attributes[name].array;
    const y = b.attributes[name].array;
    const arr = new Float32Array(x.length + y.length);
    arr.set(x);
    arr.set(y, x.length);
    out.setAttribute(name, new THREE.BufferAttribute(arr, 3));
  }
  return out;
}
