// Three.js scene: renderer, camera and its presets, lights, and the voxel world (merged, culled faces).
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { buildWorldMesh } from './mesher.js';

THREE.Object3D.DEFAULT_UP.set(0, 0, 1); // the simulator is z-up

/** Voxel types (PROTOCOL.md): colour, opacity, and whether drawn as a thin floor tile. */
export const VOXELS = {
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
export const UNKNOWN = { color: 0xb05bd6, name: 'unknown' };

export class Scene {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    // software GL (SwiftShader, llvmpipe) pays for every multisampled pixel: no antialiasing there
    this.softwareGl = isSoftwareGl();
    this.renderer = new THREE.WebGLRenderer({ antialias: !this.softwareGl, preserveDrawingBuffer: true });
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
    this.zoneCenter = [0, 0];
    this.zoneRadius = 1;
    /** @type {?number[]} the world size the camera was last framed for */
    this.framedSize = null;
    this.worldToken = 0;
    /** @type {?Worker} */
    this.mesher = null;
    this.meshReplies = new Map();
    this.worldStats = { voxels: 0, faces: 0, ms: 0, pending: false };
    this.frameMs = 16;
    this.adaptTick = 0;
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
   * Replaces the world with a new one. Its faces are meshed in a Worker (a big world takes more
   * than a frame); the camera is framed only for the first world, a world of another size, or a
   * reset, so the user's view survives the next replay.
   * @param {any} world the world document
   * @returns {boolean} whether the camera was reframed (then frame the mechs once they arrive)
   */
  setWorld(world) {
    this.clearWorld();
    const size = Array.isArray(world.size) ? world.size : [1, 1, 1];
    const sameSize = this.framedSize && this.framedSize.join() === size.join();
    this.size = size;
    const [sx, sy] = size;
    const grid = new THREE.GridHelper(Math.max(sx, sy), Math.max(sx, sy), 0x2a303a, 0x1c2129);
    grid.rotation.x = Math.PI / 2;
    grid.position.set(sx / 2, sy / 2, 0.01);
    this.worldGroup.add(grid);
    const zone = world.meta && world.meta.capture_zone;
    this.zoneCenter = zone && Array.isArray(zone.center) ? zone.center : [sx / 2, sy / 2];
    this.zoneRadius = zone && zone.radius ? zone.radius : Math.max(sx, sy) / 4;
    if (zone && Array.isArray(zone.center)) this.setZone(zone.center, zone.radius || 1);
    if (!sameSize) this.resetView();
    this.reframed = !sameSize;
    this.worldStats = { voxels: 0, faces: 0, ms: 0, pending: true };
    const token = ++this.worldToken;
    const done = (mesh) => {
      if (token !== this.worldToken) return; // a newer world replaced this one meanwhile
      this.addWorldMesh(mesh);
    };
    if (!this.mesher) {
      try {
        this.mesher = new Worker(new URL('./mesh.worker.js', import.meta.url), { type: 'module' });
        this.mesher.onmessage = (e) => this.meshReplies.get(e.data.id)?.(e.data);
      } catch (err) {
        this.mesher = null;
      }
    }
    if (this.mesher) {
      this.meshReplies.set(token, (reply) => {
        this.meshReplies.delete(token);
        if (reply.error) console.error('echelon: world meshing failed', reply.error);
        else done(reply.mesh);
      });
      this.mesher.postMessage({ id: token, world: { size: world.size, walls: world.walls } });
    } else {
      done(buildWorldMesh(world));
    }
    return this.reframed;
  }

  /** @param {import('./mesher.js').WorldMesh} mesh */
  addWorldMesh(mesh) {
    for (const g of mesh.groups) {
      const style = VOXELS[g.type] || UNKNOWN;
      const geo = new THREE.BufferGeometry();
      geo.setAttribute('position', new THREE.BufferAttribute(g.positions, 3));
      geo.setAttribute('normal', new THREE.BufferAttribute(g.normals, 3));
      geo.setIndex(new THREE.BufferAttribute(g.indices, 1));
      const mat = new THREE.MeshLambertMaterial({
        color: style.color, emissive: style.emissive || 0x000000,
        transparent: style.opacity !== undefined, opacity: style.opacity ?? 1,
        depthWrite: style.opacity === undefined,
      });
      const m = new THREE.Mesh(geo, mat);
      m.name = style.name;
      m.userData.voxelType = g.type;
      if (style.opacity !== undefined) m.renderOrder = 1;
      this.worldGroup.add(m);
    }
    this.worldStats = { voxels: mesh.voxels, faces: mesh.faces, ms: mesh.ms, pending: false };
  }

  /**
   * Frames the start of a match: the capture zone and, when given, every mech position.
   * @param {number[][]} [points] voxel positions to keep in view
   */
  resetView(points) {
    const [sx, sy] = this.size;
    let minX = this.zoneCenter[0] - this.zoneRadius, maxX = this.zoneCenter[0] + this.zoneRadius;
    let minY = this.zoneCenter[1] - this.zoneRadius, maxY = this.zoneCenter[1] + this.zoneRadius;
    for (const p of points || []) {
      minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
      minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
    }
    if (!points || !points.length) { minX = Math.min(minX, 0); minY = Math.min(minY, 0); maxX = Math.max(maxX, sx); maxY = Math.max(maxY, sy); }
    const center = [(minX + maxX) / 2, (minY + maxY) / 2];
    const extent = Math.max(maxX - minX, maxY - minY) / 2 + 4;
    this.framedSize = [...this.size];
    this.frame(center, extent);
  }

  /** Looks straight down on the whole world. */
  topView() {
    const [sx, sy] = this.size;
    const extent = Math.max(sx, sy) / 2;
    this.controls.target.set(sx / 2, sy / 2, 0);
    this.camera.position.set(sx / 2, sy / 2 - 0.01, extent / Math.tan((this.camera.fov * Math.PI) / 360) * 1.1);
    this.controls.update();
  }

  /**
   * Keeps the camera's offset to the target while the target follows a point (a mech).
   * @param {{x: number, y: number, z: number}} p
   */
  follow(p) {
    const t = this.controls.target;
    const dx = p.x - t.x, dy = p.y - t.y, dz = p.z - t.z;
    t.set(p.x, p.y, p.z);
    this.camera.position.x += dx; this.camera.position.y += dy; this.camera.position.z += dz;
  }

  /**
   * Lowers the pixel ratio while frames are slow (software GL), raises it when there is room, so
   * the viewer stays interactive; called once a frame with the last frame's duration.
   * @param {number} ms
   */
  adapt(ms) {
    this.frameMs = this.frameMs * 0.95 + ms * 0.05;
    if (++this.adaptTick % 60 !== 0) return;
    const max = Math.min(2, window.devicePixelRatio || 1);
    let ratio = this.renderer.getPixelRatio();
    if (this.frameMs > 45 && ratio > 0.5) ratio = Math.max(0.5, ratio * 0.75);
    else if (this.frameMs < 20 && ratio < max) ratio = Math.min(max, ratio / 0.75);
    else return;
    this.renderer.setPixelRatio(ratio);
    this.resize();
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

/** True when WebGL is rendered on the CPU, where quality has to give way to frame rate. */
function isSoftwareGl() {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    const name = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
    if (gl) gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(name);
  } catch (err) {
    return false;
  }
}

/**
 * Frees the GPU resources of an object tree.
 * @param {THREE.Object3D} root
 */
export function disposeObject(root) {
  root.traverse((/** @type {any} */ o) => { // a mesh, a line or an instanced mesh: whatever holds GPU memory
    if (o.geometry) o.geometry.dispose();
    const mats = Array.isArray(o.material) ? o.material : o.material ? [o.material] : [];
    for (const m of mats) {
      if (m.map) m.map.dispose();
      m.dispose();
    }
    if (o.dispose && o.isInstancedMesh) o.dispose();
  });
}
