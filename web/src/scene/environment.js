// The world around the buildings: a sky dome, the sun (with shadows where
// the quality allows), light fog, a sea that reaches the horizon wherever
// the map's edge is water, land elsewhere, and the ground of the map as one
// textured plane (4 texels per tile, painted here from the terrain).

import * as THREE from "three";
import { terrainColor, rgb } from "../palette.js";

export const SKY_TOP = "#3f7fc4";
export const HORIZON = "#d4e4ee";
export const SEA = "#2d6da6";
const SEA_RGB = [0x2d, 0x6d, 0xa6];
const LAND = "#93ae7c";
const FAR = 4000;
export const SUN_DIR = new THREE.Vector3(-0.45, 0.8, 0.4).normalize();

/** A sky dome with a vertical gradient and a sun disc; never fogged. */
function sky() {
  const geo = new THREE.SphereGeometry(FAR * 0.6, 24, 12);
  const pos = geo.attributes.position;
  const col = new Float32Array(pos.count * 3);
  const top = new THREE.Color(SKY_TOP);
  const hor = new THREE.Color(HORIZON);
  const c = new THREE.Color();
  for (let i = 0; i < pos.count; i++) {
    const t = Math.max(0, pos.getY(i) / (FAR * 0.6));
    c.copy(hor).lerp(top, Math.pow(t, 0.55));
    col.set([c.r, c.g, c.b], i * 3);
  }
  geo.setAttribute("color", new THREE.BufferAttribute(col, 3));
  const mesh = new THREE.Mesh(geo, new THREE.MeshBasicMaterial({ vertexColors: true, side: THREE.BackSide, fog: false, depthWrite: false }));
  mesh.renderOrder = -2;
  const sun = new THREE.Mesh(new THREE.CircleGeometry(60, 20), new THREE.MeshBasicMaterial({ color: "#fff6d8", fog: false, depthWrite: false }));
  sun.position.copy(SUN_DIR).multiplyScalar(FAR * 0.55);
  sun.lookAt(0, 0, 0);
  sun.renderOrder = -1;
  const g = new THREE.Group();
  g.add(mesh, sun);
  return g;
}

/** Where the map's edges are water: {south, north, west: z where water starts, east: ...}. */
function waterEdges(z) {
  const kinds = z.terrainKinds;
  const isWater = (c, r) => kinds[z.terrain[r * z.cols + c]] === "water";
  const frac = (n, f) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (f(i)) k++;
    return n ? k / n : 0;
  };
  const firstWaterRow = (c) => {
    for (let r = 0; r < z.rows; r++) if (isWater(c, r)) return r * z.tile;
    return z.height;
  };
  return {
    north: frac(z.cols, (c) => isWater(c, 0)) > 0.5,
    south: frac(z.cols, (c) => isWater(c, z.rows - 1)) > 0.5,
    westFrom: firstWaterRow(0),
    eastFrom: firstWaterRow(z.cols - 1),
  };
}

/** The ground texture: terrain colours with a little texture, water in the sea's colour. */
export function groundCanvas(z, px = 4, shadows = false) {
  const cv = document.createElement("canvas");
  cv.width = z.cols * px;
  cv.height = z.rows * px;
  const g = cv.getContext("2d");
  const img = g.createImageData(cv.width, cv.height);
  const d = img.data;
  const names = z.terrainKinds;
  const cols = names.map((_, i) => rgb(terrainColor(z, i)));
  const kindAt = (c, r) => (c < 0 || r < 0 || c >= z.cols || r >= z.rows ? "" : names[z.terrain[r * z.cols + c]]);
  let seed = 1;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 16) / 32768;
  };
  for (let r = 0; r < z.rows; r++) {
    for (let c = 0; c < z.cols; c++) {
      const kind = kindAt(c, r);
      const base = kind === "water" ? SEA_RGB : cols[z.terrain[r * z.cols + c]] || [200, 195, 180];
      for (let y = 0; y < px; y++) {
        for (let x = 0; x < px; x++) {
          const o = ((r * px + y) * cv.width + c * px + x) * 4;
          let f = kind === "water" ? 1 : 1 + (noise() - 0.5) * (kind === "grass" ? 0.16 : 0.06);
          if (kind === "road") {
            // Kerbs where a road meets something else.
            if ((x === 0 && kindAt(c - 1, r) !== "road") || (x === px - 1 && kindAt(c + 1, r) !== "road") ||
              (y === 0 && kindAt(c, r - 1) !== "road") || (y === px - 1 && kindAt(c, r + 1) !== "road")) f = 1.55;
          } else if (kind === "quay") {
            if (x === 0 || y === 0) f = 0.88;
            if (kindAt(c, r + 1) === "water" && y >= px - 1) f = 0.55; // the quay's edge
          } else if (kind === "plaza") {
            if (x === 0 || y === 0) f = 0.96;
          }
          d[o] = Math.min(255, base[0] * f);
          d[o + 1] = Math.min(255, base[1] * f);
          d[o + 2] = Math.min(255, base[2] * f);
          d[o + 3] = 255;
        }
      }
    }
  }
  g.putImageData(img, 0, 0);
  if (shadows) bakeShadows(g, z, px / z.tile);
  return cv;
}

/** How tall a building's shadow is, by kind (open structures cast little). */
const SHADOW = { crane: 0, solar_farm: 0.6, welcome_sign: 0.5, map_board: 0.4, tidal_plant: 0.6, ship: 0.5, agora_stage: 0.5 };
const POLE = new Set(["wind_turbine", "chimney", "lighthouse"]);

/**
 * Paints the buildings' shadows on the ground for the fixed sun: the hull
 * of each footprint and the footprint moved along the sun by its height,
 * blurred. Free at run time; used where real-time shadows are off.
 */
function bakeShadows(g, z, s) {
  const cv = document.createElement("canvas");
  cv.width = g.canvas.width;
  cv.height = g.canvas.height;
  const sg = cv.getContext("2d");
  sg.fillStyle = "#000";
  sg.strokeStyle = "#000";
  sg.lineCap = "round";
  const kx = -SUN_DIR.x / SUN_DIR.y;
  const kz = -SUN_DIR.z / SUN_DIR.y;
  for (const b of z.buildings) {
    const f = Object.hasOwn(SHADOW, b.kind) ? SHADOW[b.kind] : 1;
    const h = (b.height || 6) * f;
    if (!(h > 0.3)) continue;
    const r = b.rect;
    const dx = kx * h;
    const dy = kz * h;
    if (POLE.has(b.kind)) {
      sg.lineWidth = Math.max(2, Math.min(r.w, r.h) * s * 0.8);
      sg.beginPath();
      sg.moveTo((r.x + r.w / 2) * s, (r.y + r.h / 2) * s);
      sg.lineTo((r.x + r.w / 2 + dx) * s, (r.y + r.h / 2 + dy) * s);
      sg.stroke();
      continue;
    }
    // The hull of a rectangle and its copy moved by (dx, dy): six corners.
    const x0 = r.x * s, y0 = r.y * s, x1 = (r.x + r.w) * s, y1 = (r.y + r.h) * s;
    const ox = dx * s, oy = dy * s;
    const pts = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0 + ox, y0 + oy], [x1 + ox, y0 + oy], [x1 + ox, y1 + oy], [x0 + ox, y1 + oy]];
    const hull = convexHull(pts);
    sg.beginPath();
    hull.forEach(([x, y], i) => (i ? sg.lineTo(x, y) : sg.moveTo(x, y)));
    sg.closePath();
    sg.fill();
  }
  g.save();
  g.globalCompositeOperation = "source-atop";
  g.globalAlpha = 0.32;
  g.filter = `blur(${Math.max(1, s * 0.6)}px)`;
  g.drawImage(cv, 0, 0);
  g.restore();
}

function convexHull(points) {
  const p = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * Adds sky, sea, land, ground, fog and lights to scene. Returns
 * {sun, ground, update(target)}: update moves the sun's shadow box along.
 */
export function buildEnvironment(scene, z, q) {
  scene.background = new THREE.Color(HORIZON);
  scene.fog = new THREE.Fog(HORIZON, q.fogNear, q.fogFar);
  const dome = sky();
  dome.name = "sky";
  scene.add(dome);

  const lit = q.litGround;
  const Mat = lit ? THREE.MeshLambertMaterial : THREE.MeshBasicMaterial;

  // Around the map: the sea where its edge is water, land elsewhere, as
  // rectangles that never lie under the map (no overdraw there: the map's
  // own water is painted in the ground texture, in the sea's colour).
  const edges = waterEdges(z);
  const seaMat = new Mat({ color: SEA });
  const landMat = new Mat({ color: LAND });
  const plane = (mat, x0, z0, x1, z1) => {
    if (x1 - x0 < 1 || z1 - z0 < 1) return;
    const m = new THREE.Mesh(new THREE.PlaneGeometry(x1 - x0, z1 - z0), mat);
    m.rotation.x = -Math.PI / 2;
    m.position.set((x0 + x1) / 2, -0.05, (z0 + z1) / 2);
    m.receiveShadow = lit && q.shadows;
    m.name = "planes";
    scene.add(m);
  };
  const L = FAR;
  plane(edges.north ? seaMat : landMat, -L, -L, z.width + L, 0);
  plane(edges.south ? seaMat : landMat, -L, z.height, z.width + L, z.height + L);
  plane(landMat, -L, 0, 0, edges.westFrom);
  plane(seaMat, -L, edges.westFrom, 0, z.height);
  plane(landMat, z.width, 0, z.width + L, edges.eastFrom);
  plane(seaMat, z.width, edges.eastFrom, z.width + L, z.height);

  // The map's ground.
  const tex = new THREE.CanvasTexture(groundCanvas(z, 4, !q.shadows));
  tex.colorSpace = THREE.SRGBColorSpace;
  tex.magFilter = THREE.NearestFilter;
  tex.minFilter = THREE.LinearMipmapLinearFilter;
  tex.anisotropy = q.anisotropy;
  const ground = new THREE.Mesh(new THREE.PlaneGeometry(z.width, z.height), new Mat({ map: tex }));
  ground.rotation.x = -Math.PI / 2;
  ground.position.set(z.width / 2, 0, z.height / 2);
  ground.receiveShadow = lit && q.shadows;
  ground.name = "ground";
  scene.add(ground);

  // Light: sky and ground bounce, and the sun.
  scene.add(new THREE.HemisphereLight("#e8f1ff", "#8a7f6a", 1.35));
  const sun = new THREE.DirectionalLight("#fff4df", 2.1);
  sun.castShadow = q.shadows;
  if (q.shadows) {
    sun.shadow.mapSize.set(q.shadowSize, q.shadowSize);
    const s = sun.shadow.camera;
    s.left = -q.shadowRange;
    s.right = q.shadowRange;
    s.top = q.shadowRange;
    s.bottom = -q.shadowRange;
    s.near = 10;
    s.far = 600;
    sun.shadow.bias = -0.0006;
    sun.shadow.normalBias = 0.4;
  }
  scene.add(sun, sun.target);
  const update = (tx, tz) => {
    // Shadow texels snap to a grid so edges do not shimmer while walking.
    const step = (2 * q.shadowRange) / Math.max(1, q.shadowSize);
    const sx = Math.round(tx / step) * step;
    const sz = Math.round(tz / step) * step;
    sun.target.position.set(sx, 0, sz);
    sun.position.set(sx + SUN_DIR.x * 300, SUN_DIR.y * 300, sz + SUN_DIR.z * 300);
  };
  update(z.width / 2, z.height / 2);
  return { sun, ground, update };
}
