// Avatars as instanced meshes: one body mesh per shape (round, square,
// triangle, hexagon) coloured per instance, one mesh of heads, and the role
// accessories (a yellow hard hat for professionals, a square cap for
// teachers). One's own avatar is drawn the same way, with an orange ring on
// the ground. About ten draw calls whatever the crowd.

import * as THREE from "three";
import { COLOURS } from "../look.js";

const MAX = 1024;
const HEAD_Y = 1.48;

function bodies() {
  const round = new THREE.CapsuleGeometry(0.3, 0.62, 3, 10);
  round.translate(0, 0.74, 0);
  const square = new THREE.BoxGeometry(0.62, 1.0, 0.44);
  square.translate(0, 0.68, 0);
  const triangle = new THREE.ConeGeometry(0.46, 1.22, 10);
  triangle.translate(0, 0.61, 0);
  const hexagon = new THREE.CylinderGeometry(0.34, 0.38, 1.1, 6);
  hexagon.translate(0, 0.63, 0);
  return [round, square, triangle, hexagon];
}

export class Avatars {
  constructor(scene, { shadows = false } = {}) {
    this.bodyMat = new THREE.MeshLambertMaterial();
    this.bodies = bodies().map((g) => {
      const m = new THREE.InstancedMesh(g, this.bodyMat, MAX);
      m.count = 0;
      m.frustumCulled = false;
      m.castShadow = shadows;
      m.setColorAt(0, new THREE.Color());
      scene.add(m);
      return m;
    });
    const head = new THREE.SphereGeometry(0.24, 10, 7);
    head.translate(0, HEAD_Y, 0);
    // Eyes on the head's front show where an avatar looks.
    this.heads = this._instanced(scene, head, new THREE.MeshLambertMaterial({ color: "#f3d7bf" }), shadows);
    const eyes = new THREE.BoxGeometry(0.26, 0.06, 0.04);
    eyes.translate(0, HEAD_Y + 0.04, 0.23);
    this.eyes = this._instanced(scene, eyes, new THREE.MeshBasicMaterial({ color: "#1a1a1a" }), false);
    const hat = new THREE.SphereGeometry(0.28, 10, 4, 0, Math.PI * 2, 0, Math.PI / 2);
    hat.translate(0, HEAD_Y + 0.08, 0);
    const brim = new THREE.CylinderGeometry(0.36, 0.36, 0.04, 12);
    brim.translate(0, HEAD_Y + 0.08, 0.05);
    this.proHats = this._instanced(scene, merge2(hat, brim), new THREE.MeshLambertMaterial({ color: "#ffd21f", emissive: "#3a2f00" }), false);
    const board = new THREE.BoxGeometry(0.56, 0.05, 0.56);
    board.translate(0, HEAD_Y + 0.3, 0);
    const cap = new THREE.CylinderGeometry(0.22, 0.24, 0.16, 10);
    cap.translate(0, HEAD_Y + 0.2, 0);
    this.teacherCaps = this._instanced(scene, merge2(board, cap), new THREE.MeshLambertMaterial({ color: "#1d4d3a" }), false);
    // Blob shadows where real-time shadows are off.
    if (!shadows) {
      const blob = new THREE.CircleGeometry(0.45, 12);
      blob.rotateX(-Math.PI / 2);
      blob.translate(0.12, 0.04, -0.1);
      this.blobs = this._instanced(scene, blob, new THREE.MeshBasicMaterial({ color: "#000000", transparent: true, opacity: 0.28, depthWrite: false }), false);
    }
    const ringGeo = new THREE.RingGeometry(0.55, 0.82, 28);
    ringGeo.rotateX(-Math.PI / 2);
    this.selfRing = new THREE.Mesh(ringGeo, new THREE.MeshBasicMaterial({ color: "#ff7f11" }));
    this.selfRing.position.y = 0.07;
    this.selfRing.visible = false;
    scene.add(this.selfRing);
    this.goalRing = new THREE.Mesh(ringGeo, new THREE.MeshBasicMaterial({ color: "#ffffff" }));
    this.goalRing.position.y = 0.08;
    this.goalRing.visible = false;
    scene.add(this.goalRing);
    this.colours = COLOURS.map((c) => new THREE.Color(c.hex));
    this._m = new THREE.Matrix4();
    this._q = new THREE.Quaternion();
    this._v = new THREE.Vector3();
    this._s = new THREE.Vector3(1, 1, 1);
    this._up = new THREE.Vector3(0, 1, 0);
  }

  _instanced(scene, geo, mat, shadows) {
    const m = new THREE.InstancedMesh(geo, mat, MAX);
    m.count = 0;
    m.frustumCulled = false;
    m.castShadow = shadows;
    scene.add(m);
    return m;
  }

  /**
   * Draws every avatar of the world's view plus one's own. motion false
   * freezes the walking bob (reduced motion).
   */
  update(world, now, motion) {
    const counts = [0, 0, 0, 0];
    let heads = 0;
    let pros = 0;
    let teachers = 0;
    const put = (x, y, heading, colour, shape, role, moving) => {
      if (heads >= MAX) return;
      const bob = motion && moving ? Math.abs(Math.sin(now / 130)) * 0.07 : 0;
      // heading is atan2(dy, dx) in zone axes; a model faces +z at angle 0.
      this._q.setFromAxisAngle(this._up, Math.PI / 2 - heading);
      this._m.compose(this._v.set(x, bob, y), this._q, this._s);
      const s = shape >= 0 && shape < 4 ? shape : 0;
      const b = this.bodies[s];
      b.setMatrixAt(counts[s], this._m);
      b.setColorAt(counts[s], this.colours[colour] || this.colours[0]);
      counts[s]++;
      this.heads.setMatrixAt(heads, this._m);
      if (this.blobs) this.blobs.setMatrixAt(heads, this._m);
      this.eyes.setMatrixAt(heads, this._m);
      heads++;
      if (role === 1) this.proHats.setMatrixAt(pros++, this._m);
      else if (role === 2) this.teacherCaps.setMatrixAt(teachers++, this._m);
    };
    for (const a of world.view.values()) put(a.rx, a.ry, a.heading || 0, a.colour, a.shape, a.role, a.moving);
    const self = world.self;
    this.selfRing.visible = self.known;
    if (self.known) {
      put(self.x, self.y, self.heading || 0, world.look.colour, world.look.shape, world.role || 0, self.moving);
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
    this.bodies.forEach((b, i) => {
      b.count = counts[i];
      b.instanceMatrix.needsUpdate = true;
      if (b.instanceColor) b.instanceColor.needsUpdate = true;
    });
    for (const [m, n] of [[this.heads, heads], [this.eyes, heads], [this.proHats, pros], [this.teacherCaps, teachers], [this.blobs, heads]]) {
      if (!m) continue;
      m.count = n;
      m.instanceMatrix.needsUpdate = true;
    }
    this.drawn = heads;
  }
}

/** Merges two indexed geometries (position, normal) into one. */
function merge2(a, b) {
  const out = new THREE.BufferGeometry();
  for (const name of ["position", "normal"]) {
    const x = a.attributes[name].array;
    const y = b.attributes[name].array;
    const arr = new Float32Array(x.length + y.length);
    arr.set(x);
    arr.set(y, x.length);
    out.setAttribute(name, new THREE.BufferAttribute(arr, 3));
  }
  const n = a.attributes.position.count;
  const ia = a.index.array;
  const ib = b.index.array;
  const idx = new Uint32Array(ia.length + ib.length);
  idx.set(ia);
  for (let i = 0; i < ib.length; i++) idx[ia.length + i] = ib[i] + n;
  out.setIndex(new THREE.BufferAttribute(idx, 1));
  return out;
}
