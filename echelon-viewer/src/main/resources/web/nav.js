// Navigation overlays from the server: the nav graph (POST /nav/graph) and a mech's path (POST /nav/path).
import * as THREE from 'three';
import { disposeObject } from './scene.js';

export class NavOverlay {
  /** @param {THREE.Scene} scene */
  constructor(scene) {
    this.scene = scene;
    /** @type {?THREE.LineSegments} */
    this.graph = null;
    /** @type {?THREE.Mesh} */
    this.path = null;
    this.worldRef = null;
    this.voxelSize = 1;
  }

  /** @param {string} worldRef @param {number} voxelSize metres per voxel */
  setWorld(worldRef, voxelSize) {
    this.clear();
    this.worldRef = worldRef;
    this.voxelSize = voxelSize > 0 ? voxelSize : 5;
  }

  /** Fetches and draws the graph; positions come in metres and are drawn in voxel units. */
  async showGraph() {
    if (!this.worldRef) return 0;
    const res = await fetch('/nav/graph', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ world_hash: this.worldRef }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.detail || `nav graph failed: HTTP ${res.status}`);
    const vs = this.voxelSize;
    const pos = new Map();
    for (const n of data.nodes) pos.set(n.id.join(','), n.pos);
    const pts = [];
    for (const n of data.nodes) {
      for (const e of n.edges) {
        const q = pos.get(e.join(','));
        if (!q || e.join(',') < n.id.join(',')) continue; // each undirected pair once
        pts.push(n.pos[0] / vs, n.pos[1] / vs, n.pos[2] / vs + 0.3, q[0] / vs, q[1] / vs, q[2] / vs + 0.3);
      }
    }
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    this.hideGraph();
    this.graph = new THREE.LineSegments(geo, new THREE.LineBasicMaterial({ color: 0x34d399, transparent: true, opacity: 0.8 }));
    this.graph.name = 'nav graph';
    this.scene.add(this.graph);
    return data.nodes.length;
  }

  hideGraph() {
    if (!this.graph) return;
    this.scene.remove(this.graph);
    disposeObject(this.graph);
    this.graph = null;
  }

  /**
   * Draws the least-cost path from a position to a goal, both in voxel units.
   * @param {number[]} from @param {number[]} to
   */
  async showPath(from, to) {
    if (!this.worldRef) return null;
    const vs = this.voxelSize;
    const res = await fetch('/nav/path', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ world_hash: this.worldRef, start_pos: from.map((v) => v * vs), goal_pos: to.map((v) => v * vs) }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.detail || `nav path failed: HTTP ${res.status}`);
    this.hidePath();
    if (!data.found) return data;
    const pts = data.path.map((p) => new THREE.Vector3(p[0] / vs, p[1] / vs, p[2] / vs + 0.3));
    if (pts.length === 1) pts.push(pts[0].clone().add(new THREE.Vector3(0, 0, 0.01)));
    // a tube, not a 1 px line, in its own colour (the zone ring is yellow); depth-tested
    const curve = new THREE.CatmullRomCurve3(pts, false, 'catmullrom', 0);
    this.path = new THREE.Mesh(new THREE.TubeGeometry(curve, Math.max(8, pts.length * 4), 0.18, 6, false),
      new THREE.MeshBasicMaterial({ color: 0x22d3ee }));
    this.path.userData.points = pts.length;
    this.path.name = 'nav path';
    this.scene.add(this.path);
    return data;
  }

  hidePath() {
    if (!this.path) return;
    this.scene.remove(this.path);
    disposeObject(this.path);
    this.path = null;
  }

  clear() {
    this.hideGraph();
    this.hidePath();
  }
}
