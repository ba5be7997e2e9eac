// Mechs, instanced: every body is one instance of one box mesh (coloured per instance), likewise
// cockpits and the HP and heat bars, so 40 mechs cost a handful of draw calls, not 200. Name labels
// are sprites; the selected mech wears a ring. Bars and labels are depth-tested: walls hide them.
import * as THREE from 'three';

/** Body size (x, y, z) by class, in voxels; positions in frames are body centres. */
const BODY = {
  scout: [1.2, 1.0, 1.8], light: [1.4, 1.2, 2.0], medium: [1.8, 1.6, 3.0], heavy: [2.4, 2.0, 4.0],
};
const TEAM = { blue: 0x3b82f6, red: 0xef4444 };
const DEAD = new THREE.Color(0x3f3f46);
const ZERO = new THREE.Matrix4().makeScale(0, 0, 0);

/**
 * @typedef {{slot: number, team: string, size: number[], pos: THREE.Vector3, visible: boolean,
 *            label: THREE.Sprite}} MechState
 */

export class MechLayer {
  /** @param {THREE.Scene} scene */
  constructor(scene) {
    this.group = new THREE.Group();
    this.group.name = 'mechs';
    scene.add(this.group);
    /** @type {Map<string, MechState>} */
    this.mechs = new Map();
    /** @type {string[]} slot → mech id */
    this.slots = [];
    this.unit = new THREE.BoxGeometry(1, 1, 1);
    this.plane = new THREE.PlaneGeometry(1, 1);
    this.materials = {
      body: new THREE.MeshLambertMaterial({ color: 0xffffff }),
      cockpit: new THREE.MeshLambertMaterial({ color: 0x1f2937 }),
      hp: new THREE.MeshBasicMaterial({ color: 0x22c55e, side: THREE.DoubleSide }),
      heat: new THREE.MeshBasicMaterial({ color: 0xf97316, side: THREE.DoubleSide }),
    };
    /** @type {?{body: THREE.InstancedMesh, cockpit: THREE.InstancedMesh, hp: THREE.InstancedMesh, heat: THREE.InstancedMesh}} */
    this.meshes = null;
    this.capacity = 0;
    this.grow(64);
    /** @type {?string} */
    this.selected = null;
    this.labelsShown = true;
    this.ring = new THREE.Mesh(new THREE.RingGeometry(1.5, 1.9, 48),
      new THREE.MeshBasicMaterial({ color: 0xf8fafc, transparent: true, opacity: 0.9, side: THREE.DoubleSide }));
    this.ring.name = 'selection';
    this.ring.visible = false;
    scene.add(this.ring);
    // scratch objects, reused every frame
    this.m = new THREE.Matrix4();
    this.q = new THREE.Quaternion();
    this.e = new THREE.Euler();
    this.s = new THREE.Vector3();
    this.c = new THREE.Color();
    this.up = new THREE.Vector3();
    this.right = new THREE.Vector3();
    this.offset = new THREE.Vector3();
    this.top = new THREE.Vector3();
    this.barPos = new THREE.Vector3();
  }

  /** (Re)makes the instanced meshes with room for `n` mechs. @param {number} n */
  grow(n) {
    if (this.meshes) for (const mesh of Object.values(this.meshes)) { this.group.remove(mesh); mesh.dispose(); }
    const make = (geo, mat, name) => {
      const mesh = new THREE.InstancedMesh(geo, mat, n);
      mesh.name = name;
      mesh.frustumCulled = false; // instances spread over the whole world
      for (let i = 0; i < n; i++) mesh.setMatrixAt(i, ZERO);
      this.group.add(mesh);
      return mesh;
    };
    this.meshes = { body: make(this.unit, this.materials.body, 'mech bodies'),
      cockpit: make(this.unit, this.materials.cockpit, 'cockpits'),
      hp: make(this.plane, this.materials.hp, 'hp bars'), heat: make(this.plane, this.materials.heat, 'heat bars') };
    for (let i = 0; i < n; i++) this.meshes.body.setColorAt(i, DEAD);
    this.capacity = n;
  }

  /** Highlights one mech (or none) with a ring at its feet. @param {?string} id */
  setSelected(id) {
    this.selected = id;
    this.ring.visible = false;
  }

  /** @param {boolean} shown */
  showLabels(shown) {
    this.labelsShown = shown;
  }

  /** A name tag drawn on a canvas texture: a sprite, so it is depth-tested like the bars. */
  label(id, team) {
    const canvas = document.createElement('canvas');
    canvas.width = 256;
    canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx.font = 'bold 30px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 6;
    ctx.strokeStyle = 'rgba(0,0,0,0.85)';
    ctx.strokeText(id, 128, 24);
    ctx.fillStyle = team === 'blue' ? '#93c5fd' : team === 'red' ? '#fca5a5' : '#e5e7eb';
    ctx.fillText(id, 128, 24);
    const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), transparent: true }));
    sprite.scale.set(4, 0.75, 1);
    sprite.renderOrder = 5;
    this.group.add(sprite);
    return sprite;
  }

  /** @param {string} id @param {any} m */
  create(id, m) {
    if (this.slots.length >= this.capacity) this.grow(this.capacity * 2);
    const state = { slot: this.slots.length, team: m.team, size: BODY[m.class] || BODY.medium,
      pos: new THREE.Vector3(), visible: false, label: this.label(id, m.team) };
    this.slots.push(id);
    this.mechs.set(id, state);
    return state;
  }

  /**
   * Poses every mech between frames a and b.
   * @param {any} a @param {any} b @param {number} alpha 0..1 @param {THREE.Camera} camera
   */
  update(a, b, alpha, camera) {
    const { body, cockpit, hp, heat } = this.meshes;
    const mechsA = (a && a.mechs) || {};
    const mechsB = (b && b.mechs) || mechsA;
    for (const st of this.mechs.values()) st.visible = false;
    const up = this.up.set(0, 1, 0).applyQuaternion(camera.quaternion);
    const right = this.right.set(1, 0, 0).applyQuaternion(camera.quaternion);
    for (const id of Object.keys(mechsA)) {
      const ma = mechsA[id];
      const mb = mechsB[id] || ma;
      if (!ma || !Array.isArray(ma.pos)) continue;
      const st = this.mechs.get(id) || this.create(id, ma);
      const { slot, size } = st;
      st.visible = true;
      const p = lerp3(ma.pos, mb.pos || ma.pos, alpha);
      const dead = ma.alive === false;
      // dead mechs lie flat; fallen ones tip over
      const tilt = dead ? Math.PI / 2 : ma.fallen ? Math.PI / 5 : 0;
      st.pos.set(p[0], p[1], p[2] - (dead || ma.fallen ? size[2] / 4 : 0));
      this.q.setFromEuler(this.e.set(0, tilt, lerpAngle(ma.yaw || 0, mb.yaw ?? ma.yaw ?? 0, alpha), 'XYZ'));
      body.setMatrixAt(slot, this.m.compose(st.pos, this.q, this.s.set(size[0], size[1], size[2])));
      body.setColorAt(slot, dead ? DEAD : this.c.set(TEAM[ma.team] ?? 0xa3a3a3));
      const offset = this.offset.set(size[0] * 0.35, 0, size[2] * 0.3).applyQuaternion(this.q).add(st.pos);
      cockpit.setMatrixAt(slot, this.m.compose(offset, this.q, this.s.set(size[0] * 0.45, size[1] * 0.6, size[2] * 0.2)));
      if (dead) {
        hp.setMatrixAt(slot, ZERO);
        heat.setMatrixAt(slot, ZERO);
      } else {
        const top = this.top.set(st.pos.x, st.pos.y, st.pos.z + size[2] / 2 + 0.8);
        this.bar(hp, slot, top, 0, ratio(ma.hp, ma.hp_max), camera.quaternion);
        this.bar(heat, slot, top, -0.3, ratio(ma.heat, ma.heat_cap), camera.quaternion);
      }
      st.label.position.set(st.pos.x, st.pos.y, st.pos.z + size[2] / 2 + 1.6);
      st.label.visible = this.labelsShown && !dead;
    }
    for (const st of this.mechs.values()) {
      if (st.visible) continue;
      for (const mesh of [body, cockpit, hp, heat]) mesh.setMatrixAt(st.slot, ZERO);
      st.label.visible = false;
    }
    for (const mesh of [body, cockpit, hp, heat]) mesh.instanceMatrix.needsUpdate = true;
    if (body.instanceColor) body.instanceColor.needsUpdate = true;
    const sel = this.selected && this.mechs.get(this.selected);
    this.ring.visible = Boolean(sel && sel.visible);
    if (sel) this.ring.position.set(sel.pos.x, sel.pos.y, sel.pos.z - sel.size[2] / 2 + 0.08);
  }

  /**
   * Poses one bar instance facing the camera (up and right as set by update), shrinking towards
   * its left end.
   * @param {THREE.InstancedMesh} mesh @param {number} slot @param {THREE.Vector3} top
   * @param {number} offset along the camera's up @param {number} frac 0..1 @param {THREE.Quaternion} quaternion
   */
  bar(mesh, slot, top, offset, frac, quaternion) {
    const pos = this.barPos.copy(top).addScaledVector(this.up, offset).addScaledVector(this.right, -1 + frac);
    mesh.setMatrixAt(slot, this.m.compose(pos, quaternion, this.s.set(Math.max(0.001, 2 * frac), 0.2, 1)));
  }

  /**
   * The mech under a normalised device coordinate, or null.
   * @param {THREE.Vector2} ndc @param {THREE.Camera} camera
   */
  pick(ndc, camera) {
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, camera);
    this.meshes.body.computeBoundingSphere();
    for (const hit of ray.intersectObject(this.meshes.body, false)) {
      const id = this.slots[hit.instanceId];
      if (id && this.mechs.get(id).visible) return id;
    }
    return null;
  }

  /** @param {string} id */
  position(id) {
    const st = this.mechs.get(id);
    return st ? st.pos : null;
  }

  /** Removes every mech (a new replay). */
  clear() {
    for (const st of this.mechs.values()) {
      this.group.remove(st.label);
      st.label.material.map.dispose();
      st.label.material.dispose();
    }
    this.mechs.clear();
    this.slots = [];
    for (const mesh of Object.values(this.meshes)) {
      for (let i = 0; i < this.capacity; i++) mesh.setMatrixAt(i, ZERO);
      mesh.instanceMatrix.needsUpdate = true;
    }
    this.ring.visible = false;
  }

  dispose() {
    this.clear();
    for (const mesh of Object.values(this.meshes)) mesh.dispose();
    this.unit.dispose();
    this.plane.dispose();
    for (const mat of Object.values(this.materials)) mat.dispose();
    this.ring.geometry.dispose();
    this.ring.material.dispose();
  }
}

function ratio(v, max) {
  return typeof v === 'number' && max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
}

/** @param {number[]} a @param {number[]} b @param {number} t */
export function lerp3(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, (a[2] ?? 0) + ((b[2] ?? 0) - (a[2] ?? 0)) * t];
}

/** Interpolates yaw the short way round. */
function lerpAngle(a, b, t) {
  let d = b - a;
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d < -Math.PI) d += 2 * Math.PI;
  return a + d * t;
}
