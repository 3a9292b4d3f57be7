// Static geometry of the zone, collected part by part (boxes, cylinders,
// prisms...) and merged into one mesh per material and per chunk of the
// map: a whole zone is a few dozen draw calls, and chunks out of the
// camera's view are culled. Every part carries its colour as a vertex
// colour, so one material serves every building.

import * as THREE from "three";
import { mergeGeometries } from "three/addons/utils/BufferGeometryUtils.js";

const CHUNK = 96; // metres: the side of a merged chunk

const _m = new THREE.Matrix4();
const _q = new THREE.Quaternion();
const _e = new THREE.Euler();
const _p = new THREE.Vector3();
const _s = new THREE.Vector3();
const _c = new THREE.Color();
const _UP = new THREE.Vector3(0, 1, 0);

// Prototypes, cloned for each part (never modified themselves).
const PROTO = {
  box: new THREE.BoxGeometry(1, 1, 1),
  cyl: new Map(), // segments -> unit cylinder (radius 1, height 1, centred)
  cone: new Map(),
  sphere: new THREE.SphereGeometry(1, 10, 6),
  dome: new THREE.SphereGeometry(1, 12, 4, 0, Math.PI * 2, 0, Math.PI / 2),
};

function unitCyl(seg, top = 1) {
  const key = `${seg}:${top}`;
  const map = top === 0 ? PROTO.cone : PROTO.cyl;
  if (!map.has(key)) map.set(key, new THREE.CylinderGeometry(top, 1, 1, seg, 1));
  return map.get(key);
}

/** Prepares a geometry for merging: the attributes every part shares. */
function normalise(g, color, keepUV) {
  if (!keepUV) g.deleteAttribute("uv");
  g.deleteAttribute("uv1");
  const n = g.attributes.position.count;
  const col = new Float32Array(n * 3);
  _c.set(color);
  for (let i = 0; i < n; i++) {
    col[i * 3] = _c.r;
    col[i * 3 + 1] = _c.g;
    col[i * 3 + 2] = _c.b;
  }
  g.setAttribute("color", new THREE.BufferAttribute(col, 3));
  if (!g.index) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    g.setIndex(new THREE.BufferAttribute(idx, 1));
  }
  return g;
}

/**
 * Parts collects geometry. A part belongs to a material key ("solid",
 * "glow", "sign"...) and to the chunk of the building being built (set with
 * begin(cx, cz)). Coordinates are three.js: x east, y up, z south.
 */
export class Parts {
  constructor() {
    this.buckets = new Map(); // "key|chunk" -> {key, list}
    this.chunk = "0,0";
    this.triangles = 0;
  }

  /** Starts a building centred at (cx, cz): its parts go to that chunk. */
  begin(cx, cz) {
    this.chunk = `${Math.floor(cx / CHUNK)},${Math.floor(cz / CHUNK)}`;
  }

  /** Adds geometry (consumed) transformed by matrix m, with a colour. */
  add(key, geo, m, color, keepUV = false) {
    geo.applyMatrix4(m);
    normalise(geo, color, keepUV);
    const k = `${key}|${this.chunk}`;
    if (!this.buckets.has(k)) this.buckets.set(k, { key, list: [] });
    this.buckets.get(k).list.push(geo);
    this.triangles += (geo.index ? geo.index.count : geo.attributes.position.count) / 3;
  }

  static matrix(x, y, z, sx, sy, sz, ry = 0, rx = 0, rz = 0) {
    _e.set(rx, ry, rz, "YXZ");
    _q.setFromEuler(_e);
    return _m.compose(_p.set(x, y, z), _q, _s.set(sx, sy, sz));
  }

  /** A box w x h x d whose base centre is at (x, y, z). */
  box(key, color, x, y, z, w, h, d, ry = 0) {
    this.add(key, PROTO.box.clone(), Parts.matrix(x, y + h / 2, z, w, h, d, ry), color);
  }

  /** A box centred at (x, y, z), rotated by rx/ry/rz (Euler YXZ). */
  boxAt(key, color, x, y, z, w, h, d, ry = 0, rx = 0, rz = 0) {
    this.add(key, PROTO.box.clone(), Parts.matrix(x, y, z, w, h, d, ry, rx, rz), color);
  }

  /** A vertical cylinder of radius r (top radius rTop = r * top) from y to y + h. */
  cyl(key, color, x, y, z, r, h, seg = 12, top = 1) {
    this.add(key, unitCyl(seg, top).clone(), Parts.matrix(x, y + h / 2, z, r, h, r), color);
  }

  /** A cylinder centred at (x, y, z) lying along x (rz) or z (rx). */
  cylAt(key, color, x, y, z, r, len, seg = 10, ry = 0, rx = 0, rz = 0) {
    this.add(key, unitCyl(seg).clone(), Parts.matrix(x, y, z, r, len, r, ry, rx, rz), color);
  }

  /** A square beam of side t from point a to point b ([x, y, z] each). */
  beam(key, color, a, b, t) {
    const dir = _p.set(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    const len = dir.length();
    if (len < 1e-6) return;
    _q.setFromUnitVectors(_UP, dir.divideScalar(len));
    const m = _m.compose(_s.set((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2), _q, _p.set(t, len, t));
    this.add(key, PROTO.box.clone(), m, color);
  }

  sphere(key, color, x, y, z, rx, ry = rx, rz = rx) {
    this.add(key, PROTO.sphere.clone(), Parts.matrix(x, y, z, rx, ry, rz), color);
  }

  dome(key, color, x, y, z, r, h) {
    this.add(key, PROTO.dome.clone(), Parts.matrix(x, y, z, r, h, r), color);
  }

  /** Any geometry placed at (x, y, z) with scale s and rotation ry. */
  geo(key, color, geo, x, y, z, sx = 1, sy = 1, sz = 1, ry = 0) {
    this.add(key, geo, Parts.matrix(x, y, z, sx, sy, sz, ry), color);
  }

  /**
   * A prism: the 2D profile pts [[u, v]...] (u along x, v up) extruded
   * along z over depth d, centred on (x, y, z).
   */
  prism(key, color, pts, x, y, z, d, ry = 0) {
    const shape = new THREE.Shape(pts.map(([u, v]) => new THREE.Vector2(u, v)));
    const geo = new THREE.ExtrudeGeometry(shape, { depth: d, bevelEnabled: false });
    geo.translate(0, 0, -d / 2);
    this.add(key, geo, Parts.matrix(x, y, z, 1, 1, 1, ry), color);
  }

  /**
   * A flat outline pts [[x, z]...] in the ground plane extruded upward from
   * y0 to y1 (ship hulls).
   */
  slab(key, color, pts, y0, y1) {
    const shape = new THREE.Shape(pts.map(([u, v]) => new THREE.Vector2(u, -v)));
    const geo = new THREE.ExtrudeGeometry(shape, { depth: y1 - y0, bevelEnabled: false });
    geo.rotateX(-Math.PI / 2);
    geo.translate(0, y0, 0);
    this.add(key, geo, _m.identity(), color);
  }

  /** A textured quad (a sign): uv rect [u0, v0, u1, v1] of the atlas, facing ry. */
  quad(key, x, y, z, w, h, uv, ry = 0, color = "#ffffff") {
    const geo = new THREE.PlaneGeometry(1, 1);
    const a = geo.attributes.uv;
    for (let i = 0; i < a.count; i++) {
      a.setXY(i, a.getX(i) ? uv[2] : uv[0], a.getY(i) ? uv[3] : uv[1]);
    }
    this.add(key, geo, Parts.matrix(x, y, z, w, h, 1, ry), color, true);
  }

  /**
   * Merges everything into meshes, one per material key per chunk.
   * materials: key -> THREE.Material. Returns the meshes.
   */
  build(materials, { castShadow = false, receiveShadow = false } = {}) {
    const out = [];
    for (const { key, list } of this.buckets.values()) {
      const mat = materials[key];
      if (!mat || !list.length) continue;
      const keepUV = list.every((g) => g.attributes.uv);
      if (!keepUV) for (const g of list) g.deleteAttribute("uv");
      const geo = mergeGeometries(list, false);
      for (const g of list) g.dispose();
      if (!geo) continue;
      geo.computeBoundingSphere();
      const mesh = new THREE.Mesh(geo, mat);
      mesh.castShadow = castShadow && key !== "sign" && key !== "glow";
      mesh.receiveShadow = receiveShadow && key !== "glow";
      mesh.matrixAutoUpdate = false;
      mesh.userData.key = key;
      out.push(mesh);
    }
    this.buckets.clear();
    return out;
  }
}
