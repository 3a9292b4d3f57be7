// Avatars as instanced meshes: one mesh per shape (round, square, triangle,
// hexagon: body, head, eyes and base) coloured per instance, and the role
// accessories (a yellow hard hat for professionals, a square cap for
// teachers). One's own avatar is drawn the same way, with an orange ring on
// the ground. Eight draw calls at most, whatever the crowd.

import * as THREE from "three";
import { COLOURS } from "../look.js";

const MAX = 1024;
const HEAD_Y = 1.48;

/**
 * One geometry per shape: the body, a head of the same colour, black eyes on
 * its front (where the avatar looks) and a dark base disc that grounds it,
 * so an avatar is one instance of one mesh. Vertex colours are multiplied
 * by the instance's colour: white parts take it, black stays black.
 */
function bodies() {
  const round = new THREE.CapsuleGeometry(0.3, 0.62, 1, 8);
  round.translate(0, 0.74, 0);
  const square = new THREE.BoxGeometry(0.62, 1.0, 0.44);
  square.translate(0, 0.68, 0);
  const triangle = new THREE.ConeGeometry(0.46, 1.22, 8);
  triangle.translate(0, 0.61, 0);
  const hexagon = new THREE.CylinderGeometry(0.34, 0.38, 1.1, 6);
  hexagon.translate(0, 0.63, 0);
  return [round, square, triangle, hexagon].map((body) => {
    const head = new THREE.IcosahedronGeometry(0.25, 0);
    head.translate(0, HEAD_Y, 0);
    const eyes = new THREE.PlaneGeometry(0.26, 0.07);
    eyes.translate(0, HEAD_Y + 0.04, 0.235);
    const base = new THREE.CircleGeometry(0.46, 8);
    base.rotateX(-Math.PI / 2);
    base.translate(0, 0.03, 0);
    let g = merge2(paint(body, "#ffffff"), paint(head, "#ffffff"), true);
    g = merge2(g, paint(eyes, "#111111"), true);
    return merge2(g, paint(base, "#4a4a4a"), true);
  });
}

export class Avatars {
  constructor(scene, { shadows = false } = {}) {
    this.bodyMat = new THREE.MeshLambertMaterial({ vertexColors: true });
    this.bodies = bodies().map((g) => {
      const m = new THREE.InstancedMesh(g, this.bodyMat, MAX);
      m.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      m.count = 0;
      m.frustumCulled = false;
      m.castShadow = shadows;
      m.setColorAt(0, new THREE.Color());
      scene.add(m);
      return m;
    });
    const hat = new THREE.SphereGeometry(0.34, 8, 3, 0, Math.PI * 2, 0, Math.PI / 2);
    hat.translate(0, HEAD_Y + 0.1, 0);
    const brim = new THREE.CylinderGeometry(0.46, 0.46, 0.05, 10);
    brim.translate(0, HEAD_Y + 0.1, 0.06);
    this.proHats = this._instanced(scene, merge2(hat, brim), new THREE.MeshLambertMaterial({ color: "#ffd21f", emissive: "#3a2f00" }), false);
    const board = new THREE.BoxGeometry(0.7, 0.06, 0.7);
    board.translate(0, HEAD_Y + 0.36, 0);
    const cap = new THREE.CylinderGeometry(0.26, 0.28, 0.2, 8);
    cap.translate(0, HEAD_Y + 0.24, 0);
    this.teacherCaps = this._instanced(scene, merge2(board, cap), new THREE.MeshLambertMaterial({ color: "#1d4d3a" }), false);
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
    m.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
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
    // Only the instances drawn are uploaded, not the whole buffers.
    const upload = (attr, n, size) => {
      if (!attr || !n) return;
      attr.clearUpdateRanges();
      attr.addUpdateRange(0, n * size);
      attr.needsUpdate = true;
    };
    this.bodies.forEach((b, i) => {
      b.count = counts[i];
      upload(b.instanceMatrix, counts[i], 16);
      upload(b.instanceColor, counts[i], 3);
    });
    for (const [m, n] of [[this.proHats, pros], [this.teacherCaps, teachers]]) {
      if (!m) continue;
      m.count = n;
      upload(m.instanceMatrix, n, 16);
    }
    this.drawn = heads;
  }
}

/** Gives every vertex of g one colour (the attribute "color"). */
function paint(g, hex) {
  const c = new THREE.Color(hex);
  const a = new Float32Array(g.attributes.position.count * 3);
  for (let i = 0; i < a.length; i += 3) a.set([c.r, c.g, c.b], i);
  g.setAttribute("color", new THREE.BufferAttribute(a, 3));
  return g;
}

/** Merges two geometries (position, normal, and color when asked) into one indexed geometry. */
function merge2(a, b, withColor = false) {
  const index = (g) => g.index ? g.index.array : Uint32Array.from({ length: g.attributes.position.count }, (_, i) => i);
  const out = new THREE.BufferGeometry();
  for (const name of withColor ? ["position", "normal", "color"] : ["position", "normal"]) {
    const x = a.attributes[name].array;
    const y = b.attributes[name].array;
    const arr = new Float32Array(x.length + y.length);
    arr.set(x);
    arr.set(y, x.length);
    out.setAttribute(name, new THREE.BufferAttribute(arr, 3));
  }
  const n = a.attributes.position.count;
  const ia = index(a);
  const ib = index(b);
  const idx = new Uint32Array(ia.length + ib.length);
  idx.set(ia);
  for (let i = 0; i < ib.length; i++) idx[ia.length + i] = ib[i] + n;
  out.setIndex(new THREE.BufferAttribute(idx, 1));
  return out;
}
