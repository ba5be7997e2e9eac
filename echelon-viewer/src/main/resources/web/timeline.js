// Timeline markers: kills, deaths and zone results found in the frames, drawn over the scrubber.
// Clicking one seeks there; `,` and `.` jump to the previous and next one.

/**
 * @typedef {{frame: number, kind: 'kill'|'death'|'zone', team: string, label: string}} Marker
 */

/**
 * Finds the markers in frames [from, frames.length).
 * @param {any[]} frames @param {number} from
 * @returns {Marker[]}
 */
export function findMarkers(frames, from) {
  /** @type {Marker[]} */
  const out = [];
  for (let k = Math.max(0, from); k < frames.length; k++) {
    const f = frames[k];
    const prev = k > 0 ? frames[k - 1] : null;
    const mechs = f.mechs || {};
    const killed = new Set();
    for (const e of f.events || []) {
      if (e.type !== 'kill') continue;
      killed.add(e.target);
      const team = (mechs[e.shooter] || {}).team || '';
      out.push({ frame: k, kind: 'kill', team, label: `${e.shooter} killed ${e.target}` });
    }
    if (prev && prev.mechs) {
      for (const [id, m] of Object.entries(mechs)) {
        const before = prev.mechs[id];
        if (before && before.alive !== false && m.alive === false && !killed.has(id)) {
          out.push({ frame: k, kind: 'death', team: m.team || '', label: `${id} destroyed` });
        }
      }
    }
    const o = f.objective, po = prev && prev.objective;
    if (o && o.zone_score && o.zone_score_to_win) {
      for (const team of Object.keys(o.zone_score)) {
        const was = po && po.zone_score ? po.zone_score[team] || 0 : 0;
        if (was < o.zone_score_to_win && o.zone_score[team] >= o.zone_score_to_win) {
          out.push({ frame: k, kind: 'zone', team, label: `${team} captured the zone` });
        }
      }
    }
  }
  return out;
}

/** Markers closer than this many pixels are drawn as one, with a count. */
const GROUP_PX = 9;
/** Tick spacings (s) the time axis picks from: the smallest that gives at most 8 ticks. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

export class Timeline {
  /**
   * @param {HTMLElement} host the layer over the scrubber
   * @param {(frame: number) => void} onSeek
   * @param {?HTMLElement} [ticks] the layer under the scrubber for time labels
   */
  constructor(host, onSeek, ticks = null) {
    this.host = host;
    this.ticksHost = ticks;
    this.onSeek = onSeek;
    /** @type {?any} the replay drawn */
    this.replay = null;
    addEventListener('resize', () => this.draw());
    /** @type {Marker[]} */
    this.markers = [];
    this.scanned = 0;
    this.frames = 0;
    this.replayId = null;
  }

  /** Scans frames that arrived since the last call and redraws when anything changed. @param {any} r */
  update(r) {
    if (!r || r.id !== this.replayId) {
      this.markers = [];
      this.scanned = 0;
      this.frames = -1;
      this.replayId = r ? r.id : null;
    }
    this.replay = r;
    if (!r || r.frames.length === this.frames) {
      if (!r && this.ticksHost) this.ticksHost.replaceChildren();
      return;
    }
    this.markers.push(...findMarkers(r.frames, this.scanned));
    this.scanned = r.frames.length;
    this.frames = r.frames.length;
    this.draw();
  }

  draw() {
    const last = Math.max(1, this.frames - 1);
    const width = Math.max(1, this.host.clientWidth);
    /** @type {Marker[][]} markers close enough to share a button */
    const groups = [];
    for (const m of this.markers) {
      const g = groups[groups.length - 1];
      if (g && ((m.frame - g[0].frame) / last) * width < GROUP_PX) g.push(m);
      else groups.push([m]);
    }
    this.host.replaceChildren(...groups.map((g) => {
      const m = g[0];
      const el = document.createElement('button');
      const teams = new Set(g.map((x) => x.team));
      el.className = g.length > 1 ? `marker group ${teams.size === 1 ? m.team : ''}` : `marker ${m.kind} ${m.team}`;
      el.style.left = `${(100 * m.frame) / last}%`;
      if (g.length > 1) el.textContent = String(g.length);
      el.title = g.map((x) => x.label).join('\n');
      el.dataset.frame = String(m.frame);
      el.onclick = () => this.onSeek(m.frame);
      return el;
    }));
    this.drawTicks(last);
  }

  /** Time labels under the scrubber, at round seconds. @param {number} last the last frame's index */
  drawTicks(last) {
    const r = this.replay;
    if (!this.ticksHost) return;
    if (!r || r.frames.length < 2) {
      this.ticksHost.replaceChildren();
      return;
    }
    const t0 = r.frames[0].t;
    const duration = r.frames[r.frames.length - 1].t - t0;
    const step = TICK_STEPS.find((s) => duration / s <= 8) || 3600;
    const label = (/** @type {number} */ s) => (step >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`);
    const ticks = [];
    for (let s = 0; s <= duration + 1e-9; s += step) {
      const el = document.createElement('span');
      el.className = 'tick';
      el.style.left = `${(100 * r.indexAt(t0 + s)) / last}%`;
      el.textContent = label(s);
      ticks.push(el);
    }
    this.ticksHost.replaceChildren(...ticks);
  }

  /** The frame of the first marker after `index`, or -1. @param {number} index */
  next(index) {
    const m = this.markers.find((x) => x.frame > index);
    return m ? m.frame : -1;
  }

  /** The frame of the last marker before `index`, or -1. @param {number} index */
  previous(index) {
    for (let i = this.markers.length - 1; i >= 0; i--) if (this.markers[i].frame < index) return this.markers[i].frame;
    return -1;
  }
}
