// The 3D view (three.js, WebGL): the ground as one textured plane, buildings,
// booth floors, hotspot markers and avatars as instanced meshes (a handful of
// draw calls whatever the crowd), and a third-person camera that follows
// one's avatar and can be orbited a little. Zone (x, y) is three.js (x, 0, y).

import * as THREE from "three";
import {
  terrainPixels, BUILDING_COLORS, DEFAULT_BUILDING, boothColor, AVATAR_COLORS, SELF_COLOR,
} from "./palette.js";
import { CHALLENGES } from "./texts.js";

const MAX_AVATARS = 1024;
const HOTSPOT_Y = 2.0;
const HOTSPOT_SCALE = 1.5;

export function webglAvailable() {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch {
    return false;
  }
}

function hotspotGeometry(challenge) {
  switch (challenge) {
    case "innovation": return new THREE.OctahedronGeometry(0.55);
    case "inclusion": return new THREE.SphereGeometry(0.45, 12, 8);
    case "industrie-4.0": return new THREE.BoxGeometry(0.7, 0.7, 0.7);
    case "developpement-durable": return new THREE.ConeGeometry(0.5, 0.9, 10);
    default: return new THREE.TetrahedronGeometry(0.55);
  }
}

export class View3D {
  constructor(host, zone) {
    this.kind = "3d";
    this.host = host;
    this.zone = zone;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "view-canvas";
    host.prepend(this.canvas);
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: false, powerPreference: "low-power" });
    // Resolution scale: starts at the screen's (at most 1.5) and adapts to
    // keep the frame rate up on weak GPUs and software rendering.
    this.maxScale = Math.min(window.devicePixelRatio || 1, 1.5);
    this.scale = this.maxScale;
    this.renderer.setPixelRatio(this.scale);
    this.frameEma = 16;
    this.lastAdapt = 0;
    this.lastOcclusion = 0;
    this.lift = 0; // extra elevation while a building hides one's avatar
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color("#bfd9ee");
    this.scene.fog = new THREE.Fog("#bfd9ee", 160, 420);
    this.camera = new THREE.PerspectiveCamera(55, 1, 0.5, 700);
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
    this._build();
    this.resize();
  }

  _build() {
    const z = this.zone;
    const s = this.scene;
    s.add(new THREE.HemisphereLight("#ffffff", "#8a7f6a", 1.1));
    const sun = new THREE.DirectionalLight("#ffffff", 1.8);
    sun.position.set(-0.5, 1, 0.35);
    s.add(sun);

    // Ground: one plane, one texel per tile.
    const tex = new THREE.DataTexture(terrainPixels(z, true), z.cols, z.rows, THREE.RGBAFormat);
    tex.magFilter = THREE.NearestFilter;
    tex.minFilter = THREE.LinearFilter;
    tex.colorSpace = THREE.SRGBColorSpace;
    tex.needsUpdate = true;
    // Unlit: a flat ground is evenly lit anyway, and this is the costliest
    // surface on software renderers (it fills most of the screen).
    const ground = new THREE.Mesh(new THREE.PlaneGeometry(z.width, z.height), new THREE.MeshBasicMaterial({ map: tex }));
    ground.rotation.x = -Math.PI / 2;
    ground.position.set(z.width / 2, 0, z.height / 2);
    s.add(ground);
    // A wide apron around the map so the horizon is not empty.
    const apron = new THREE.Mesh(new THREE.PlaneGeometry(4000, 4000), new THREE.MeshBasicMaterial({ color: "#9bb48a" }));
    apron.rotation.x = -Math.PI / 2;
    apron.position.set(z.width / 2, -0.05, z.height / 2);
    s.add(apron);

    // Buildings: instanced unit boxes whose base sits on the ground.
    const box = new THREE.BoxGeometry(1, 1, 1);
    box.translate(0, 0.5, 0);
    const nb = Math.max(1, z.buildings.length);
    this.buildings = new THREE.InstancedMesh(box, new THREE.MeshLambertMaterial(), nb);
    z.buildings.forEach((b, i) => {
      this._v.set(b.rect.x + b.rect.w / 2, 0, b.rect.y + b.rect.h / 2);
      this._s.set(b.rect.w, Math.max(1, b.height || 6), b.rect.h);
      this._m.compose(this._v, this._q, this._s);
      this.buildings.setMatrixAt(i, this._m);
      this.buildings.setColorAt(i, this._c.set(BUILDING_COLORS[b.kind] || DEFAULT_BUILDING));
    });
    this.buildings.count = z.buildings.length;
    s.add(this.buildings);

    // Booth floors.
    const tileGeo = new THREE.PlaneGeometry(1, 1);
    tileGeo.rotateX(-Math.PI / 2);
    const nbo = Math.max(1, z.booths.length);
    const booths = new THREE.InstancedMesh(tileGeo, new THREE.MeshLambertMaterial(), nbo);
    z.booths.forEach((b, i) => {
      this._v.set(b.rect.x + b.rect.w / 2, 0.03, b.rect.y + b.rect.h / 2);
      this._s.set(b.rect.w, 1, b.rect.h);
      this._m.compose(this._v, this._q, this._s);
      booths.setMatrixAt(i, this._m);
      booths.setColorAt(i, this._c.set(boothColor(b.sector)));
    });
    booths.count = z.booths.length;
    s.add(booths);

    // Hotspots: one instanced mesh per challenge (shape + colour), on poles.
    this._s.set(HOTSPOT_SCALE, HOTSPOT_SCALE, HOTSPOT_SCALE);
    const groups = new Map();
    for (const h of z.hotspots) {
      const key = CHALLENGES[h.challenge] ? h.challenge : "other";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(h);
    }
    for (const [key, list] of groups) {
      const color = CHALLENGES[key] ? CHALLENGES[key].color : "#bbbbbb";
      const mesh = new THREE.InstancedMesh(hotspotGeometry(key), new THREE.MeshLambertMaterial({ color, emissive: color, emissiveIntensity: 0.35 }), list.length);
      list.forEach((h, i) => {
        this._v.set(h.x, HOTSPOT_Y, h.y);
        this._m.compose(this._v, this._q, this._s);
        mesh.setMatrixAt(i, this._m);
      });
      s.add(mesh);
    }
    this._s.set(1, 1, 1);
    const pole = new THREE.CylinderGeometry(0.06, 0.06, HOTSPOT_Y, 5);
    pole.translate(0, HOTSPOT_Y / 2, 0);
    const poles = new THREE.InstancedMesh(pole, new THREE.MeshLambertMaterial({ color: "#444444" }), Math.max(1, z.hotspots.length));
    z.hotspots.forEach((h, i) => {
      this._v.set(h.x, 0, h.y);
      this._m.compose(this._v, this._q, this._s);
      poles.setMatrixAt(i, this._m);
    });
    poles.count = z.hotspots.length;
    s.add(poles);

    // Avatars: instanced capsules; one's own is a separate, brighter mesh.
    const cap = new THREE.CapsuleGeometry(0.35, 0.9, 2, 8);
    cap.translate(0, 0.8, 0);
    this.avatars = new THREE.InstancedMesh(cap, new THREE.MeshLambertMaterial(), MAX_AVATARS);
    this.avatars.frustumCulled = false;
    this.avatars.count = 0;
    this.avatars.setColorAt(0, this._c.set(AVATAR_COLORS[0]));
    this.roleColors = AVATAR_COLORS.map((c) => new THREE.Color(c));
    s.add(this.avatars);
    this.selfMesh = new THREE.Mesh(cap, new THREE.MeshLambertMaterial({ color: SELF_COLOR, emissive: SELF_COLOR, emissiveIntensity: 0.25 }));
    this.selfMesh.visible = false;
    s.add(this.selfMesh);
    const ringGeo = new THREE.RingGeometry(0.55, 0.8, 24);
    ringGeo.rotateX(-Math.PI / 2);
    this.selfRing = new THREE.Mesh(ringGeo, new THREE.MeshBasicMaterial({ color: SELF_COLOR }));
    this.selfRing.position.y = 0.05;
    s.add(this.selfRing);
    this.goalRing = new THREE.Mesh(ringGeo, new THREE.MeshBasicMaterial({ color: "#ffffff" }));
    this.goalRing.position.y = 0.06;
    this.goalRing.visible = false;
    s.add(this.goalRing);
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
    this.elevation = Math.min(1.35, Math.max(0.35, this.elevation + dEl));
  }

  zoom(factor) {
    this.distance = Math.min(90, Math.max(8, this.distance * factor));
  }

  _placeCamera(dt, now) {
    const c = this.camera;
    const d = this.distance;
    // Looking higher when a building stands between the camera and the avatar.
    if (now - this.lastOcclusion > 150) {
      this.lastOcclusion = now;
      this.wantLift = this._occluded() ? Math.min(1.45 - this.elevation, this.wantLift + 0.15 || 0.15) : Math.max(0, (this.wantLift || 0) - 0.05);
    }
    this.lift += ((this.wantLift || 0) - this.lift) * Math.min(1, dt * 4);
    const el = this.elevation + this.lift;
    c.position.set(
      this.target.x + d * Math.cos(el) * Math.sin(this.azimuth),
      this.target.y + d * Math.sin(el),
      this.target.z + d * Math.cos(el) * Math.cos(this.azimuth),
    );
    this._v.set(this.target.x, 1, this.target.z);
    c.lookAt(this._v);
    c.updateMatrixWorld();
  }

  /** True when a building hides the camera's target from the camera. */
  _occluded() {
    if (!this.buildings.count) return false;
    const from = new THREE.Vector3(this.target.x, 1.2, this.target.z);
    const dir = this.camera.position.clone().sub(from);
    const len = dir.length();
    this.raycaster.set(from, dir.normalize());
    this.raycaster.far = len;
    const hit = this.raycaster.intersectObject(this.buildings, false).length > 0;
    this.raycaster.far = Infinity;
    return hit;
  }

  /** Lowers the resolution when frames are slow, raises it back when fast. */
  _adapt(dt, now) {
    if (dt > 0 && dt < 1) this.frameEma += (dt * 1000 - this.frameEma) * 0.05;
    if (now - this.lastAdapt < 2000) return;
    this.lastAdapt = now;
    let next = this.scale;
    if (this.frameEma > 40 && this.scale > 0.5) next = Math.max(0.5, this.scale * 0.8);
    else if (this.frameEma < 22 && this.scale < this.maxScale) next = Math.min(this.maxScale, this.scale * 1.15);
    if (Math.abs(next - this.scale) > 0.01) {
      this.scale = next;
      this.renderer.setPixelRatio(next);
      this.renderer.setSize(this.width, this.height, false);
    }
  }

  render(world, now, dt) {
    const self = world.self;
    if (self.known) {
      const k = Math.min(1, dt * 10);
      const far = Math.hypot(self.x - this.target.x, self.y - this.target.z) > 30;
      this.target.x = far ? self.x : this.target.x + (self.x - this.target.x) * k;
      this.target.z = far ? self.y : this.target.z + (self.y - this.target.z) * k;
      this.selfMesh.visible = true;
      this.selfMesh.position.set(self.x, 0, self.y);
      this.selfRing.position.x = self.x;
      this.selfRing.position.z = self.y;
      const it = self.intent;
      if (it && it.kind === "path" && it.points.length) {
        const g = it.points[it.points.length - 1];
        this.goalRing.position.x = g.x;
        this.goalRing.position.z = g.y;
        this.goalRing.visible = true;
      } else {
        this.goalRing.visible = false;
      }
    }
    this._adapt(dt, now);
    this._placeCamera(dt, now);
    let i = 0;
    for (const a of world.view.values()) {
      if (i >= MAX_AVATARS) break;
      this._v.set(a.rx, 0, a.ry);
      this._m.makeTranslation(this._v);
      this.avatars.setMatrixAt(i, this._m);
      this.avatars.setColorAt(i, this.roleColors[a.role] || this.roleColors[0]);
      i++;
    }
    this.avatars.count = i;
    this.avatars.instanceMatrix.needsUpdate = true;
    if (this.avatars.instanceColor) this.avatars.instanceColor.needsUpdate = true;
    this.renderer.render(this.scene, this.camera);
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
    const hits = rc.intersectObject(this.buildings, false);
    if (hits.length) return { x: hits[0].point.x, y: hits[0].point.z };
    const p = rc.ray.intersectPlane(this.groundPlane, new THREE.Vector3());
    if (!p) return null;
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
      if (d < bestD) {
        bestD = d;
        best = h;
      }
    }
    return best;
  }

  dispose() {
    this.renderer.dispose();
    this.canvas.remove();
  }
}
