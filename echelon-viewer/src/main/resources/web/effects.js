// Combat effects in the scene: beams, tracers, missiles, explosions, smoke and paint markers.
import * as THREE from 'three';
import { lerp3 } from './mechs.js';

const TEAM = { blue: 0x60a5fa, red: 0xf87171 };

export class Effects {
  /** @param {THREE.Scene} scene */
  constructor(scene) {
    this.group = new THREE.Group();
    this.group.name = 'effects';
    scene.add(this.group);
    /** @type {{obj: THREE.Object3D, born: number, life: number, tick?: (k: number) => void, own?: boolean, extra?: {dispose: () => void}[]}[]} */
    this.live = [];
    this.sphere = new THREE.SphereGeometry(1, 16, 12);
    this.missileGeo = new THREE.ConeGeometry(0.15, 0.6, 6).rotateX(Math.PI / 2);
    this.ringGeo = new THREE.RingGeometry(0.9, 1.1, 24);
    this.mats = {
      explosion: new THREE.MeshBasicMaterial({ color: 0xff9a3c, transparent: true, opacity: 0.8 }),
      flash: new THREE.MeshBasicMaterial({ color: 0xfff1a8 }),
      missile: new THREE.MeshBasicMaterial({ color: 0xe5e7eb }),
      smoke: new THREE.MeshLambertMaterial({ color: 0x9ca3af, transparent: true, opacity: 0.45, depthWrite: false }),
      paint: new THREE.MeshBasicMaterial({ color: 0xfacc15, transparent: true, opacity: 0.9, side: THREE.DoubleSide }),
    };
    /** @type {THREE.Mesh[]} */
    this.smokePool = [];
  }

  /**
   * Spawns the effects of one frame's events.
   * @param {any[]} events @param {any} frame @param {number} now ms
   */
  spawn(events, frame, now) {
    const mechs = (frame && frame.mechs) || {};
    const at = (id) => (mechs[id] && mechs[id].pos) || null;
    const team = (id) => (mechs[id] && TEAM[mechs[id].team]) || 0xffffff;
    for (const e of events || []) {
      const pos = Array.isArray(e.pos) ? e.pos : null;
      switch (e.type) {
        case 'laser_hit':
          if (at(e.shooter) && pos) this.line(at(e.shooter), pos, team(e.shooter), now, 250);
          break;
        case 'projectile_hit':
          if (at(e.shooter) && pos) this.line(at(e.shooter), pos, 0xfde68a, now, 120);
          break;
        case 'kinetic_fire':
          if (pos) this.blob(pos, 0.35, this.mats.flash, now, 80);
          break;
        case 'missile_launch':
          if (pos) this.missile(pos, at(e.target) || pos, now);
          break;
        case 'explosion':
          if (pos) this.explosion(pos, e.radius || 1.5, now);
          break;
        case 'paint':
          if (at(e.target)) this.paint(at(e.target), now);
          break;
        default:
          break;
      }
    }
  }

  /** @param {number[]} a @param {number[]} b @param {number} color @param {number} now @param {number} life */
  line(a, b, color, now, life) {
    const geo = new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(...a), new THREE.Vector3(...b)]);
    const mat = new THREE.LineBasicMaterial({ color, transparent: true });
    const line = new THREE.Line(geo, mat);
    this.add(line, now, life, (k) => { mat.opacity = 1 - k; }, true);
  }

  blob(p, r, mat, now, life) {
    const m = new THREE.Mesh(this.sphere, mat);
    m.position.set(p[0], p[1], p[2]);
    m.scale.setScalar(r);
    this.add(m, now, life);
  }

  explosion(p, radius, now) {
    const mat = this.mats.explosion.clone();
    const m = new THREE.Mesh(this.sphere, mat);
    m.position.set(p[0], p[1], p[2]);
    this.add(m, now, 600, (k) => { m.scale.setScalar(0.2 + radius * k); mat.opacity = 0.8 * (1 - k); }, false, [mat]);
  }

  missile(from, to, now) {
    const m = new THREE.Mesh(this.missileGeo, this.mats.missile);
    this.add(m, now, 1000, (k) => {
      const p = lerp3(from, to, k);
      p[2] += Math.sin(Math.PI * k) * 3;
      m.position.set(p[0], p[1], p[2]);
      m.lookAt(to[0], to[1], to[2]);
    });
  }

  paint(p, now) {
    const m = new THREE.Mesh(this.ringGeo, this.mats.paint);
    m.position.set(p[0], p[1], 0.2);
    this.add(m, now, 1000, (k) => m.scale.setScalar(1.5 + k));
  }

  /**
   * Shows the smoke clouds of the current frame.
   * @param {any[]} clouds
   */
  smoke(clouds) {
    const list = Array.isArray(clouds) ? clouds : [];
    while (this.smokePool.length < list.length) {
      const m = new THREE.Mesh(this.sphere, this.mats.smoke);
      this.group.add(m);
      this.smokePool.push(m);
    }
    this.smokePool.forEach((m, i) => {
      const c = list[i];
      m.visible = !!c;
      if (c && Array.isArray(c.pos)) {
        m.position.set(c.pos[0], c.pos[1], c.pos[2]);
        m.scale.setScalar(c.radius || 2);
      }
    });
  }

  add(obj, now, life, tick, own = false, extra = []) {
    this.group.add(obj);
    this.live.push({ obj, born: now, life, tick, own, extra });
    if (tick) tick(0);
  }

  /** Advances and expires effects. @param {number} now ms */
  update(now) {
    this.live = this.live.filter((e) => {
      const k = (now - e.born) / e.life;
      if (k >= 1 || k < 0) {
        this.remove(e);
        return false;
      }
      if (e.tick) e.tick(k);
      return true;
    });
  }

  remove(e) {
    this.group.remove(e.obj);
    if (e.own) {
      e.obj.geometry.dispose();
      e.obj.material.dispose();
    }
    for (const m of e.extra || []) m.dispose();
  }

  /** Drops every transient effect (seek or new replay). */
  clear() {
    for (const e of this.live) this.remove(e);
    this.live = [];
    this.smoke([]);
  }

  dispose() {
    this.clear();
    for (const m of this.smokePool) this.group.remove(m);
    this.smokePool = [];
    this.sphere.dispose();
    this.missileGeo.dispose();
    this.ringGeo.dispose();
    for (const m of Object.values(this.mats)) m.dispose();
  }
}
