// Three.js scene: renderer, camera, lights, and the voxel world (one InstancedMesh per voxel type).
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';

THREE.Object3D.DEFAULT_UP.set(0, 0, 1); // the simulator is z-up

/** Voxel types (PROTOCOL.md): colour, opacity, and whether drawn as a thin floor tile. */
const VOXELS = {
  1: { color: 0x8a909a, name: 'solid' },
  2: { color: 0xff5a1f, emissive: 0x992200, tile: true, name: 'lava' },
  3: { color: 0x2f7bd8, opacity: 0.75, tile: true, name: 'water' },
  4: { color: 0x7a6a55, name: 'debris field' },
  5: { color: 0x5f5448, name: 'solid debris' },
  6: { color: 0x8b6b3d, tile: true, name: 'dirt' },
  7: { color: 0x9fdcff, opacity: 0.35, name: 'glass' },
  8: { color: 0x4f5b6b, name: 'reinforced' },
  9: { color: 0x3f8f3a, opacity: 0.9, name: 'foliage' },
};
const UNKNOWN = { color: 0xb05bd6, name: 'unknown' };

export class Scene {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setClearColor(0x0f1217);
    host.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.fog = new THREE.Fog(0x0f1217, 200, 600);
    this.camera = new THREE.PerspectiveCamera(50, 1, 0.1, 2000);
    this.camera.position.set(-20, -20, 40);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.scene.add(new THREE.HemisphereLight(0xdfe8ff, 0x30302a, 1.1));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(0.4, -0.6, 1);
    this.scene.add(sun);
    /** objects that belong to the current world, disposed on replace */
    this.worldGroup = new THREE.Group();
    this.scene.add(this.worldGroup);
    this.size = [1, 1, 1];
    this.resize();
    new ResizeObserver(() => this.resize()).observe(host);
  }

  resize() {
    const w = Math.max(1, this.host.clientWidth), h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /**
   * Replaces the world with a new one, framing the capture zone.
   * @param {any} world the world document
   */
  setWorld(world) {
    this.clearWorld();
    const size = Array.isArray(world.size) ? world.size : [1, 1, 1];
    this.size = size;
    const [sx, sy, sz] = size;
    /** @type {Map<number, number[]>} */
    const byType = new Map();
    const solid = new Set();
    const key = (x, y, z) => (z * sy + y) * sx + x;
    for (const w of world.walls || []) {
      const [x, y, z] = w;
      const t = w.length > 3 ? w[3] : 1;
      if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) continue;
      if (!byType.has(t)) byType.set(t, []);
      byType.get(t).push(x, y, z);
      if (t === 1 || t === 5 || t === 8) solid.add(key(x, y, z));
    }
    // skip voxels buried on all six sides: they can never be seen
    const buried = (x, y, z) => solid.has(key(x, y, z)) && z + 1 < sz && x > 0 && y > 0 && z > 0 && x + 1 < sx && y + 1 < sy
      && solid.has(key(x + 1, y, z)) && solid.has(key(x - 1, y, z)) && solid.has(key(x, y + 1, z))
      && solid.has(key(x, y - 1, z)) && solid.has(key(x, y, z + 1)) && solid.has(key(x, y, z - 1));
    const m = new THREE.Matrix4();
    for (const [type, xyz] of byType) {
      const style = VOXELS[type] || UNKNOWN;
      const geo = style.tile ? new THREE.BoxGeometry(1, 1, 0.12) : new THREE.BoxGeometry(1, 1, 1);
      const mat = new THREE.MeshLambertMaterial({
        color: style.color, emissive: style.emissive || 0x000000,
        transparent: style.opacity !== undefined, opacity: style.opacity ?? 1,
      });
      const visible = [];
      for (let i = 0; i < xyz.length; i += 3) if (!buried(xyz[i], xyz[i + 1], xyz[i + 2])) visible.push(i);
      const mesh = new THREE.InstancedMesh(geo, mat, Math.max(1, visible.length));
      mesh.count = visible.length;
      visible.forEach((i, n) => {
        const z = style.tile ? xyz[i + 2] + 0.06 : xyz[i + 2] + 0.5;
        mesh.setMatrixAt(n, m.makeTranslation(xyz[i] + 0.5, xyz[i + 1] + 0.5, z));
      });
      mesh.name = style.name;
      mesh.userData.voxelType = type;
      this.worldGroup.add(mesh);
    }
    const grid = new THREE.GridHelper(Math.max(sx, sy), Math.max(sx, sy), 0x2a303a, 0x1c2129);
    grid.rotation.x = Math.PI / 2;
    grid.position.set(sx / 2, sy / 2, 0.01);
    this.worldGroup.add(grid);
    const zone = world.meta && world.meta.capture_zone;
    if (zone && Array.isArray(zone.center)) {
      this.setZone(zone.center, zone.radius || 1);
    } else {
      this.frame([sx / 2, sy / 2], Math.max(sx, sy) / 2);
    }
  }

  /**
   * Draws the capture-zone ring and frames the camera on it.
   * @param {number[]} center voxel units
   * @param {number} radius voxel units
   */
  setZone(center, radius) {
    if (this.zone) {
      this.worldGroup.remove(this.zone);
      this.zone.geometry.dispose();
      this.zone.material.dispose();
    }
    const ring = new THREE.Mesh(new THREE.RingGeometry(radius - 0.25, radius, 64),
      new THREE.MeshBasicMaterial({ color: 0xfacc15, transparent: true, opacity: 0.8, side: THREE.DoubleSide }));
    ring.position.set(center[0], center[1], 1.08);
    ring.name = 'capture zone';
    this.zone = ring;
    this.worldGroup.add(ring);
    this.frame(center, Math.max(radius * 3, Math.max(this.size[0], this.size[1]) / 2));
  }

  /** @param {number[]} center @param {number} extent */
  frame(center, extent) {
    this.controls.target.set(center[0], center[1], 0);
    this.camera.position.set(center[0] - extent * 0.9, center[1] - extent * 1.3, extent * 1.4);
    this.camera.far = Math.max(2000, extent * 10);
    this.camera.updateProjectionMatrix();
    this.controls.update();
  }

  clearWorld() {
    for (const obj of [...this.worldGroup.children]) {
      this.worldGroup.remove(obj);
      disposeObject(obj);
    }
    this.zone = null;
  }

  render() {
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
  }
}

/**
 * Frees the GPU resources of an object tree.
 * @param {THREE.Object3D} root
 */
export function disposeObject(root) {
  root.traverse((o) => {
    if (o.geometry) o.geometry.dispose();
    const mats = Array.isArray(o.material) ? o.material : o.material ? [o.material] : [];
    for (const m of mats) {
      if (m.map) m.map.dispose();
      m.dispose();
    }
    if (o.dispose && o.isInstancedMesh) o.dispose();
  });
}
