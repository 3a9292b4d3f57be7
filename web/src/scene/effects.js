// What moves in the zone besides avatars: wind turbine rotors and puffs of
// smoke or steam over chimneys and cooling towers. Both are one instanced
// mesh each. With reduced motion nothing turns or rises (frozen in place).

import * as THREE from "three";

const PUFFS_PER_SOURCE = 6;

export class Effects {
  constructor(scene, { smoke = true } = {}) {
    this.scene = scene;
    this.rotorList = [];
    this.smokeList = [];
    this.smokeOn = smoke;
    this.angle = 0; // rotor angle, radians (read by the tests)
    this._m = new THREE.Matrix4();
    this._q = new THREE.Quaternion();
    this._v = new THREE.Vector3();
    this._s = new THREE.Vector3();
    this._z = new THREE.Vector3(0, 0, 1);
    this.rotors = null;
    this.smoke = null;
  }

  addRotor(x, y, z, r) {
    this.rotorList.push({ x, y, z, r });
  }

  /** A source of puffs at (x, y, z); scale sizes them; kind "smoke" or "steam". */
  addSmoke(x, y, z, scale = 1, kind = "smoke") {
    this.smokeList.push({ x, y, z, scale, kind });
  }

  /** Builds the meshes once every source is known. */
  finish() {
    if (this.rotorList.length) {
      // Hub and three blades, in the x-y plane (facing +z), radius 1.
      const parts = [];
      const hub = new THREE.SphereGeometry(0.06, 8, 6);
      parts.push(hub);
      for (let i = 0; i < 3; i++) {
        const blade = new THREE.BoxGeometry(0.07, 1, 0.02);
        blade.translate(0, 0.52, 0);
        blade.scale(1, 1, 1);
        const pos = blade.attributes.position;
        // Taper the blade toward its tip.
        for (let k = 0; k < pos.count; k++) pos.setX(k, pos.getX(k) * (1.2 - pos.getY(k) * 0.9));
        blade.rotateZ((i * 2 * Math.PI) / 3);
        parts.push(blade);
      }
      const geo = concat(parts);
      this.rotors = new THREE.InstancedMesh(geo, new THREE.MeshLambertMaterial({ color: "#f4f4f0" }), this.rotorList.length);
      this.rotors.castShadow = true;
      this.rotors.name = "effects";
      this.scene.add(this.rotors);
      this._placeRotors();
    }
    if (this.smokeList.length && this.smokeOn) {
      const n = this.smokeList.length * PUFFS_PER_SOURCE;
      const mat = new THREE.MeshLambertMaterial({ color: "#ffffff", transparent: true, opacity: 0.5, depthWrite: false });
      this.smoke = new THREE.InstancedMesh(new THREE.IcosahedronGeometry(1, 1), mat, n);
      this.smoke.frustumCulled = false;
      const grey = new THREE.Color("#b8b8b4");
      const white = new THREE.Color("#ffffff");
      let i = 0;
      for (const s of this.smokeList) for (let k = 0; k < PUFFS_PER_SOURCE; k++) this.smoke.setColorAt(i++, s.kind === "steam" ? white : grey);
      this.smoke.name = "effects";
      this.scene.add(this.smoke);
      this._placeSmoke(0);
    }
  }

  _placeRotors() {
    this.rotorList.forEach((r, i) => {
      this._q.setFromAxisAngle(this._z, this.angle + i * 0.7);
      this._m.compose(this._v.set(r.x, r.y, r.z), this._q, this._s.set(r.r, r.r, r.r));
      this.rotors.setMatrixAt(i, this._m);
    });
    this.rotors.instanceMatrix.needsUpdate = true;
  }

  _placeSmoke(t) {
    let i = 0;
    for (const s of this.smokeList) {
      for (let k = 0; k < PUFFS_PER_SOURCE; k++) {
        const life = (t / 7 + k / PUFFS_PER_SOURCE) % 1; // 7 s from the stack to gone
        const rise = life * 14 * s.scale;
        const size = s.scale * (0.9 + life * 2.4);
        this._q.identity();
        this._m.compose(this._v.set(s.x + life * 6 * s.scale, s.y + rise, s.z - life * 3 * s.scale), this._q, this._s.set(size, size * 0.8, size));
        this.smoke.setMatrixAt(i++, this._m);
      }
    }
    this.smoke.instanceMatrix.needsUpdate = true;
  }

  /** Advances by dt seconds; motion false freezes everything. */
  update(t, dt, motion) {
    if (!motion) return;
    if (this.rotors) {
      this.angle = (this.angle + dt * 1.3) % (2 * Math.PI);
      this._placeRotors();
    }
    if (this.smoke) this._placeSmoke(t);
  }
}

/** Concatenates indexed geometries (position, normal). */
function concat(list) {
  const out = new THREE.BufferGeometry();
  let nv = 0;
  let ni = 0;
  for (const g of list) {
    nv += g.attributes.position.count;
    ni += g.index.count;
  }
  const pos = new Float32Array(nv * 3);
  const nor = new Float32Array(nv * 3);
  const idx = new Uint32Array(ni);
  let ov = 0;
  let oi = 0;
  for (const g of list) {
    pos.set(g.attributes.position.array, ov * 3);
    nor.set(g.attributes.normal.array, ov * 3);
    const a = g.index.array;
    for (let i = 0; i < a.length; i++) idx[oi + i] = a[i] + ov;
    ov += g.attributes.position.count;
    oi += a.length;
  }
  out.setAttribute("position", new THREE.BufferAttribute(pos, 3));
  out.setAttribute("normal", new THREE.BufferAttribute(nor, 3));
  out.setIndex(new THREE.BufferAttribute(idx, 1));
  return out;
}
