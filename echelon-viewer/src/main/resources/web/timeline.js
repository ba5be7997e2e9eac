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

export class Timeline {
  /**
   * @param {HTMLElement} host the layer over the scrubber
   * @param {(frame: number) => void} onSeek
   */
  constructor(host, onSeek) {
    this.host = host;
    this.onSeek = onSeek;
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
    if (!r || r.frames.length === this.frames) return;
    this.markers.push(...findMarkers(r.frames, this.scanned));
    this.scanned = r.frames.length;
    this.frames = r.frames.length;
    this.draw();
  }

  draw() {
    const last = Math.max(1, this.frames - 1);
    this.host.replaceChildren(...this.markers.map((m) => {
      const el = document.createElement('button');
      el.className = `marker ${m.kind} ${m.team}`;
      el.style.left = `${(100 * m.frame) / last}%`;
      el.title = m.label;
      el.dataset.frame = String(m.frame);
      el.onclick = () => this.onSeek(m.frame);
      return el;
    }));
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
