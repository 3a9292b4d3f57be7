// The 3D view (three.js, WebGL): the zone's buildings, each drawn by kind
// (scene/models.js) and merged per chunk, the booths, name signs, sky, sea
// and sun (scene/environment.js), hotspot markers and avatars as instanced
// meshes, and a third-person camera that follows one's avatar. Zone (x, y)
// is three.js (x, 0, y). Same interface as View2D.

import * as THREE from "three";
import { CHALLENGES } from "./texts.js";
import { settingsFor } from "./quality.js";
import { paintMap } from "./palette.js";
import { Parts } from "./scene/parts.js";
import { buildModel } from "./scene/models.js";
import { SignAtlas } from "./scene/signs.js";
import { buildEnvironment } from "./scene/environment.js";
import { buildBooth, buildFences, buildTrees } from "./scene/decor.js";
import { Avatars } from "./scene/avatars.js";
import { Effects } from "./scene/effects.js";
import { occluderHeights, Heightmap } from "./scene/heightmap.js";

export const HOTSPOT_Y = 2.0;
const HOTSPOT_SCALE = 1.5;
const ACCENTS = ["#E69F00", "#CC79A7", "#56B4E9", "#009E73"];

function hotspotGeometry(challenge) {
  switch (challenge) {
    case "innovation": return new THREE.OctahedronGeometry(0.55);
    case "inclusion": return new THREE.SphereGeometry(0.45, 9, 6);
    case "industrie-4.0": return new THREE.BoxGeometry(0.7, 0.7, 0.7);
    case "developpement-durable": return new THREE.ConeGeometry(0.5, 0.9, 10);
    default: return new THREE.TetrahedronGeometry(0.55);
  }
}

export class View3D {
  /** opts: {quality: "low"|"medium"|"high", motion: bool (false: reduced motion)} */
  constructor(host, zone, opts = {}) {
    this.kind = "3d";
    this.host = host;
    this.zone = zone;
    this.quality = opts.quality || "medium";
    this.q = settingsFor(this.quality);
    this.motion = opts.motion !== false;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "view-canvas";
    host.prepend(this.canvas);
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: this.q.antialias, powerPreference: "low-power" });
    this.renderer.shadowMap.enabled = this.q.shadows;
    this.renderer.shadowMap.type = this.quality === "high" ? THREE.PCFSoftShadowMap : THREE.PCFShadowMap;
    this.renderer.shadowMap.autoUpdate = true;
    // Resolution scale: starts at the screen's (within the level's cap) and
    // adapts to keep the frame rate up on weak GPUs and software rendering.
    this.maxScale = Math.min(window.devicePixelRatio || 1, this.q.maxPixelRatio);
    this.minScale = Math.min(this.maxScale, this.q.minScale);
    this.scale = this.maxScale;
    this.renderer.setPixelRatio(this.scale);
    this.frameEma = 16;
    this.lastAdapt = 0;
    this.lastOcclusion = 0;
    this.lift = 0; // extra elevation while a building hides one's avatar
    this.wantLift = 0;
    this.scene = new THREE.Scene();
    this.camera = new THREE.PerspectiveCamera(55, 1, 0.5, this.q.far);
    this.azimuth = 0; // radians; 0 looks north (toward -y)
    this.elevation = 0.62;
    this.distance = 34;
    this.target = new THREE.Vector3(zone.width / 2, 0, zone.height / 2);
    this._v = new THREE.Vector3();
    this._m = new THREE.Matrix4();
    this._q = new THREE.Quaternion();
    this._s = new THREE.Vector3(1, 1, 1);
    this._c = new THREE.Color();
    this.raycaster = new THREE.Raycaster();
    this.groundPlane = new THREE.Plane(new THREE.Vector3(0, 1, 0), 0);
    this.genericModels = 0;
    this.seen = new Set();
    const t0 = performance.now();
    this._build();
    this.buildMs = performance.now() - t0;
    this.resize();
  }

  _build() {
    const z = this.zone;
    const s = this.scene;
    this.env = buildEnvironment(s, z, this.q);

    // Buildings, booths and signs: merged parts.
    const P = new Parts();
    const atlas = new SignAtlas();
    this.atlas = atlas;
    const effects = new Effects(s, { smoke: this.q.smoke });
    this.effects = effects;
    let mapBoard = null;
    const kit = {
      P, index: 0, accent: ACCENTS[0],
      /** A name sign of width w (height from the atlas' aspect, or h) facing south at zFace. */
      sign: (text, x, y, zFace, w, style = null, posts = false, h = 0) => {
        if (!text || !(w > 0.5)) return;
        const uv = atlas.cell(text, style || {});
        if (!uv) return;
        const hh = h || w / SignAtlas.aspect;
        const w2 = h ? Math.min(w, h * SignAtlas.aspect) : w;
        if (posts) {
          P.box("solid", "#55606b", x - w2 / 2 + 0.2, 0, zFace - 0.05, 0.15, y + hh / 2, 0.15);
          P.box("solid", "#55606b", x + w2 / 2 - 0.2, 0, zFace - 0.05, 0.15, y + hh / 2, 0.15);
          P.box("solid", "#1f3a5c", x, y - hh / 2 - 0.05, zFace - 0.08, w2 + 0.2, hh + 0.1, 0.1);
        }
        P.quad("sign", x, y, zFace, w2, hh, uv);
      },
      signUV: (text, style) => (text ? atlas.cell(text, style) : null),
      signAspect: SignAtlas.aspect,
      smoke: (x, y, zz, scale, kind) => effects.addSmoke(x, y, zz, scale, kind),
      rotor: (x, y, zz, r) => effects.addRotor(x, y, zz, r),
      lathe: (key, color, prof, x, zz) => {
        const geo = new THREE.LatheGeometry(prof.map(([r, y]) => new THREE.Vector2(r, y)), 20);
        P.geo(key, color, geo, x, 0, zz);
      },
      mapBoard: (x, y, zz, w, h) => {
        mapBoard = { x, y, z: zz, w, h };
      },
    };
    z.buildings.forEach((b, i) => {
      P.begin(b.rect.x + b.rect.w / 2, b.rect.y + b.rect.h / 2);
      kit.index = i;
      kit.accent = ACCENTS[i % ACCENTS.length];
      if (!buildModel(b, kit)) this.genericModels++;
    });
    for (const bo of z.booths) {
      P.begin(bo.rect.x + bo.rect.w / 2, bo.rect.y + bo.rect.h / 2);
      buildBooth(bo, kit, z.buildings);
    }
    this.staticTriangles = P.triangles;
    const materials = {
      solid: new THREE.MeshLambertMaterial({ vertexColors: true }),
      glow: new THREE.MeshBasicMaterial({ vertexColors: true }),
      sign: new THREE.MeshBasicMaterial({ map: atlas.texture }),
    };
    this.staticMeshes = P.build(materials, { castShadow: this.q.shadows, receiveShadow: this.q.shadows });
    for (const m of this.staticMeshes) {
      m.updateMatrix();
      m.name = "static";
      s.add(m);
    }
    if (mapBoard) {
      const cv = paintMap(z, Math.min(4, 1024 / Math.max(z.width, z.height)), { areas: true, here: { x: mapBoard.x, y: mapBoard.z } });
      const tex = new THREE.CanvasTexture(cv);
      tex.colorSpace = THREE.SRGBColorSpace;
      const board = new THREE.Mesh(new THREE.PlaneGeometry(mapBoard.w, mapBoard.h), new THREE.MeshBasicMaterial({ map: tex }));
      board.position.set(mapBoard.x, mapBoard.y, mapBoard.z);
      s.add(board);
    }
    effects.finish();
    const fences = buildFences(z);
    if (fences) {
      fences.castShadow = this.q.shadows;
      fences.name = "fences";
      s.add(fences);
    }
    if (this.q.trees > 0) {
      const trees = buildTrees(z, this.q.trees);
      if (trees) {
        trees.castShadow = this.q.shadows;
        trees.name = "trees";
        s.add(trees);
      }
    }
    this.heights = new Heightmap(z, occluderHeights(z));

    // Hotspots: one instanced mesh per challenge (shape + colour), on poles;
    // seen ones are drawn paler.
    this._s.set(HOTSPOT_SCALE, HOTSPOT_SCALE, HOTSPOT_SCALE);
    const groups = new Map();
    for (const h of z.hotspots) {
      const key = CHALLENGES[h.challenge] ? h.challenge : "other";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(h);
    }
    this.markerMeshes = [];
    for (const [key, list] of groups) {
      const color = CHALLENGES[key] ? CHALLENGES[key].color : "#bbbbbb";
      const mesh = new THREE.InstancedMesh(hotspotGeometry(key), new THREE.MeshLambertMaterial({ color: "#ffffff", emissive: color, emissiveIntensity: 0.35 }), list.length);
      list.forEach((h, i) => {
        this._v.set(h.x, HOTSPOT_Y, h.y);
        this._m.compose(this._v, this._q, this._s);
        mesh.setMatrixAt(i, this._m);
        mesh.setColorAt(i, this._c.set(color));
      });
      mesh.userData = { list, color };
      this.markerMeshes.push(mesh);
      mesh.name = "markers";
      s.add(mesh);
    }
    this._s.set(1, 1, 1);
    const pole = new THREE.CylinderGeometry(0.06, 0.06, HOTSPOT_Y, 4, 1, true);
    pole.translate(0, HOTSPOT_Y / 2, 0);
    const poles = new THREE.InstancedMesh(pole, new THREE.MeshLambertMaterial({ color: "#444444" }), Math.max(1, z.hotspots.length));
    z.hotspots.forEach((h, i) => {
      this._v.set(h.x, 0, h.y);
      this._m.compose(this._v, this._q, this._s);
      poles.setMatrixAt(i, this._m);
    });
    poles.count = z.hotspots.length;
    poles.name = "markers";
    s.add(poles);

    const before = new Set(s.children);
    this.avatars = new Avatars(s, { shadows: this.q.shadows });
    for (const o of s.children) if (!before.has(o)) o.name = "avatars";
    this.avatars.bodies.forEach((b) => (b.name = "avatar-bodies"));
    // A measuring aid: ?hide=static,avatars,… hides parts of the scene by name.
    const hide = new URLSearchParams(window.location.search).get("hide");
    if (hide) for (const o of s.children) if (hide.split(",").includes(o.name)) o.visible = false;
  }

  /** Marks seen hotspots (a Set of ids): paler markers. */
  setSeen(seen) {
    this.seen = seen;
    const pale = new THREE.Color();
    for (const mesh of this.markerMeshes) {
      const { list, color } = mesh.userData;
      list.forEach((h, i) => {
        this._c.set(color);
        if (seen.has(h.id)) this._c.lerp(pale.set("#ffffff"), 0.6);
        mesh.setColorAt(i, this._c);
      });
      mesh.instanceColor.needsUpdate = true;
    }
  }

  resize() {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.width = w;
    this.height = h;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  orbit(dAz, dEl = 0) {
    this.azimuth = (this.azimuth + dAz) % (2 * Math.PI);
    this.elevation = Math.min(1.35, Math.max(0.3, this.elevation + dEl));
  }

  zoom(factor) {
    this.distance = Math.min(110, Math.max(8, this.distance * factor));
  }

  _placeCamera(dt, now) {
    const c = this.camera;
    const d = this.distance;
    void c;
    // Looking higher when a building stands between the camera and the avatar.
    if (now - this.lastOcclusion > 150) {
      this.lastOcclusion = now;
      this.wantLift = this._occluded() ? Math.min(1.45 - this.elevation, this.wantLift + 0.15) : Math.max(0, this.wantLift - 0.05);
    }
    this.lift = this.motion ? this.lift + (this.wantLift - this.lift) * Math.min(1, dt * 4) : this.wantLift;
    const el = this.elevation + this.lift;
    const dir = [Math.cos(el) * Math.sin(this.azimuth), Math.sin(el), Math.cos(el) * Math.cos(this.azimuth)];
    // Never inside or behind a building: come closer (at once), then ease back out.
    const from = [this.target.x, 1.6, this.target.z];
    const hit = this.heights.firstHit(from, [from[0] + dir[0] * d, from[1] + dir[1] * d, from[2] + dir[2] * d], 0);
    const reach = hit ? Math.max(5, Math.hypot(hit[0] - from[0], hit[1] - from[1], hit[2] - from[2]) - 1.5) : d;
    this.reach = !this.motion || !(this.reach > 0) || reach < this.reach ? reach : this.reach + (reach - this.reach) * Math.min(1, dt * 2);
    const r = this.reach;
    c.position.set(from[0] + dir[0] * r, from[1] + dir[1] * r, from[2] + dir[2] * r);
    this._v.set(this.target.x, 1, this.target.z);
    c.lookAt(this._v);
    c.updateMatrixWorld();
  }

  /** True when a building hides the camera's target from the camera. */
  _occluded() {
    const el = this.elevation + this.lift;
    const d = this.distance;
    const from = [this.target.x + d * Math.cos(el) * Math.sin(this.azimuth), d * Math.sin(el), this.target.z + d * Math.cos(el) * Math.cos(this.azimuth)];
    return this.heights.blocks(from, [this.target.x, 1.2, this.target.z]);
  }

  /** Whether the zone point (x, y) at height h is hidden by a building from the camera. */
  occluded(x, y, h = 0) {
    const p = this.camera.position;
    return this.heights.blocks([p.x, p.y, p.z], [x, h, y]);
  }

  /** Lowers the resolution when frames are slow, raises it back when fast. */
  _adapt(dt, now) {
    if (dt > 0 && dt < 1) this.frameEma += (dt * 1000 - this.frameEma) * 0.05;
    if (now - this.lastAdapt < 2000) return;
    this.lastAdapt = now;
    let next = this.scale;
    if (this.frameEma > 40 && this.scale > this.minScale) next = Math.max(this.minScale, this.scale * 0.8);
    else if (this.frameEma < 22 && this.scale < this.maxScale) next = Math.min(this.maxScale, this.scale * 1.15);
    if (Math.abs(next - this.scale) > 0.01) {
      this.scale = next;
      this.renderer.setPixelRatio(next);
      this.renderer.setSize(this.width, this.height, false);
    }
  }

  get atMinScale() {
    return this.scale <= this.minScale + 0.01;
  }

  render(world, now, dt) {
    const self = world.self;
    if (self.known) {
      const k = this.motion ? Math.min(1, dt * 10) : 1;
      const far = Math.hypot(self.x - this.target.x, self.y - this.target.z) > 30;
      this.target.x = far ? self.x : this.target.x + (self.x - this.target.x) * k;
      this.target.z = far ? self.y : this.target.z + (self.y - this.target.z) * k;
      if (this.q.shadows) this.env.update(this.target.x, this.target.z);
    }
    this._adapt(dt, now);
    this._placeCamera(dt, now);
    this.avatars.update(world, now, this.motion);
    this.effects.update(now / 1000, dt, this.motion);
    this.renderer.render(this.scene, this.camera);
    const info = this.renderer.info.render;
    this.info = { calls: info.calls, triangles: info.triangles };
  }

  /** Zone point (x, y) at height h -> CSS pixels in the view. */
  project(x, y, h = 0) {
    const v = this._v.set(x, h, y).project(this.camera);
    return { x: ((v.x + 1) / 2) * this.width, y: ((1 - v.y) / 2) * this.height, visible: v.z < 1 && v.z > -1 };
  }

  _ray(px, py) {
    this.raycaster.setFromCamera({ x: (px / this.width) * 2 - 1, y: 1 - (py / this.height) * 2 }, this.camera);
    return this.raycaster;
  }

  /** The zone point under the pixel (the base of a building when one is hit). */
  screenToGround(px, py) {
    const rc = this._ray(px, py);
    const p = rc.ray.intersectPlane(this.groundPlane, new THREE.Vector3());
    if (!p) return null;
    const o = rc.ray.origin;
    const hit = this.heights.firstHit([o.x, o.y, o.z], [p.x, 0, p.z]);
    if (hit) return { x: hit[0], y: hit[2] };
    if (p.x < 0 || p.z < 0 || p.x > this.zone.width || p.z > this.zone.height) return null;
    return { x: p.x, y: p.z };
  }

  /** The hotspot drawn nearest to the pixel, within a finger's reach. */
  pickHotspot(px, py, radius = 26) {
    let best = null;
    let bestD = radius;
    for (const h of this.zone.hotspots) {
      const p = this.project(h.x, h.y, HOTSPOT_Y);
      if (!p.visible) continue;
      const d = Math.hypot(p.x - px, p.y - py);
      if (d < bestD && !this.occluded(h.x, h.y, HOTSPOT_Y)) {
        bestD = d;
        best = h;
      }
    }
    return best;
  }

  dispose() {
    this.renderer.dispose();
    this.renderer.forceContextLoss?.();
    this.canvas.remove();
  }
}
