// Mechs: one group per mech (body, cockpit, HP and heat bars, name label), interpolated between
// frames; the selected one wears a ring. Bars and labels are depth-tested: walls hide them.
import * as THREE from 'three';

/** Body size (x, y, z) by class, in voxels; positions in frames are body centres. */
const BODY = {
  scout: [1.2, 1.0, 1.8], light: [1.4, 1.2, 2.0], medium: [1.8, 1.6, 3.0], heavy: [2.4, 2.0, 4.0],
};
const TEAM = { blue: 0x3b82f6, red: 0xef4444 };

export class MechLayer {
  /** @param {THREE.Scene} scene */
  constructor(scene) {
    this.group = new THREE.Group();
    this.group.name = 'mechs';
    scene.add(this.group);
    /** @type {Map<string, THREE.Group>} */
    this.mechs = new Map();
    this.geometries = new Map();
    this.materials = new Map();
    this.cockpit = new THREE.BoxGeometry(1, 1, 1);
    this.barGeo = new THREE.PlaneGeometry(1, 1);
    /** @type {?string} */
    this.selected = null;
    this.labelsShown = true;
    this.ring = new THREE.Mesh(new THREE.RingGeometry(1.5, 1.9, 48),
      new THREE.MeshBasicMaterial({ color: 0xf8fafc, transparent: true, opacity: 0.9, side: THREE.DoubleSide }));
    this.ring.name = 'selection';
    this.ring.visible = false;
    scene.add(this.ring);
  }

  /** Highlights one mech (or none) with a ring at its feet. @param {?string} id */
  setSelected(id) {
    this.selected = id;
    this.ring.visible = false;
  }

  /** @param {boolean} shown */
  showLabels(shown) {
    this.labelsShown = shown;
    for (const g of this.mechs.values()) g.userData.label.visible = shown;
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
    const texture = new THREE.CanvasTexture(canvas);
    const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, transparent: true, depthTest: true }));
    sprite.scale.set(4, 0.75, 1);
    sprite.renderOrder = 5;
    sprite.visible = this.labelsShown;
    return sprite;
  }

  /** @param {string} cls */
  geometry(cls) {
    if (!this.geometries.has(cls)) {
      const [x, y, z] = BODY[cls] || BODY.medium;
      this.geometries.set(cls, new THREE.BoxGeometry(x, y, z));
    }
    return this.geometries.get(cls);
  }

  /** @param {string} key @param {() => THREE.Material} make */
  material(key, make) {
    if (!this.materials.has(key)) this.materials.set(key, make());
    return this.materials.get(key);
  }

  /** @param {string} id @param {any} m */
  create(id, m) {
    const g = new THREE.Group();
    g.name = id;
    const team = TEAM[m.team] ?? 0xa3a3a3;
    const body = new THREE.Mesh(this.geometry(m.class), this.material('team:' + m.team,
      () => new THREE.MeshLambertMaterial({ color: team })));
    body.userData.mechId = id;
    const size = BODY[m.class] || BODY.medium;
    const cockpit = new THREE.Mesh(this.cockpit, this.material('cockpit', () => new THREE.MeshLambertMaterial({ color: 0x1f2937 })));
    cockpit.scale.set(size[0] * 0.45, size[1] * 0.6, size[2] * 0.2);
    cockpit.position.set(size[0] * 0.35, 0, size[2] * 0.3);
    cockpit.userData.mechId = id;
    const bars = new THREE.Group();
    bars.position.z = size[2] / 2 + 0.8;
    const hp = this.bar(0x22c55e, 0.0);
    const heat = this.bar(0xf97316, -0.3);
    bars.add(hp, heat);
    const label = this.label(id, m.team);
    label.position.z = size[2] / 2 + 1.6;
    g.add(body, cockpit, bars, label);
    g.userData = { body, bars, hp, heat, size, label };
    this.group.add(g);
    this.mechs.set(id, g);
    return g;
  }

  /** @param {number} color @param {number} offset */
  bar(color, offset) {
    const mat = this.material('bar:' + color, () => new THREE.MeshBasicMaterial({ color, side: THREE.DoubleSide }));
    const mesh = new THREE.Mesh(this.barGeo, mat);
    mesh.position.z = offset;
    mesh.scale.set(2, 0.2, 1);
    return mesh;
  }

  /**
   * Poses every mech between frames a and b.
   * @param {any} a @param {any} b @param {number} alpha 0..1 @param {THREE.Camera} camera
   */
  update(a, b, alpha, camera) {
    const seen = new Set();
    const mechsA = (a && a.mechs) || {};
    const mechsB = (b && b.mechs) || mechsA;
    for (const id of Object.keys(mechsA)) {
      const ma = mechsA[id];
      const mb = mechsB[id] || ma;
      if (!ma || !Array.isArray(ma.pos)) continue;
      seen.add(id);
      const g = this.mechs.get(id) || this.create(id, ma);
      const p = lerp3(ma.pos, mb.pos || ma.pos, alpha);
      g.position.set(p[0], p[1], p[2]);
      g.rotation.set(0, 0, lerpAngle(ma.yaw || 0, mb.yaw ?? ma.yaw ?? 0, alpha));
      const { body, bars, hp, heat, size } = g.userData;
      const dead = ma.alive === false;
      body.material = dead
        ? this.material('dead', () => new THREE.MeshLambertMaterial({ color: 0x3f3f46 }))
        : this.material('team:' + ma.team, () => new THREE.MeshLambertMaterial({ color: TEAM[ma.team] ?? 0xa3a3a3 }));
      // dead mechs lie flat; fallen ones tip over
      if (dead) g.rotation.y = Math.PI / 2;
      else if (ma.fallen) g.rotation.y = Math.PI / 5;
      if (dead || ma.fallen) g.position.z -= size[2] / 4;
      bars.visible = !dead;
      g.userData.label.visible = this.labelsShown && !dead;
      bars.quaternion.copy(camera.quaternion).premultiply(g.quaternion.clone().invert());
      setBar(hp, ratio(ma.hp, ma.hp_max));
      setBar(heat, ratio(ma.heat, ma.heat_cap));
    }
    for (const [id, g] of this.mechs) {
      g.visible = seen.has(id);
    }
    const sel = this.selected && this.mechs.get(this.selected);
    this.ring.visible = Boolean(sel && sel.visible);
    if (sel) this.ring.position.set(sel.position.x, sel.position.y, sel.position.z - sel.userData.size[2] / 2 + 0.08);
  }

  /**
   * The mech under a normalised device coordinate, or null.
   * @param {THREE.Vector2} ndc @param {THREE.Camera} camera
   */
  pick(ndc, camera) {
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, camera);
    const targets = [];
    for (const g of this.mechs.values()) if (g.visible) targets.push(g.userData.body);
    const hit = ray.intersectObjects(targets, false)[0];
    return hit ? hit.object.userData.mechId : null;
  }

  /** @param {string} id */
  position(id) {
    const g = this.mechs.get(id);
    return g ? g.position : null;
  }

  /** Removes every mech (a new replay). */
  clear() {
    for (const g of this.mechs.values()) {
      this.group.remove(g);
      const label = g.userData.label;
      label.material.map.dispose();
      label.material.dispose();
    }
    this.mechs.clear();
    this.ring.visible = false;
  }

  dispose() {
    this.clear();
    for (const geo of this.geometries.values()) geo.dispose();
    for (const mat of this.materials.values()) mat.dispose();
    this.geometries.clear();
    this.materials.clear();
    this.ring.geometry.dispose();
    this.ring.material.dispose();
  }
}

/** @param {THREE.Mesh} bar @param {number} frac */
function setBar(bar, frac) {
  bar.scale.x = Math.max(0.001, 2 * frac);
  bar.position.x = -1 + frac; // shrink towards the left end
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

