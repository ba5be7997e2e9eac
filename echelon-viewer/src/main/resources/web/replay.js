// A replay being assembled from chunks: frames in index order, gaps tracked, never a crash.

/**
 * @typedef {{t: number, tick?: number, mechs?: Object<string, any>, events?: any[],
 *            objective?: any, smoke_clouds?: any[]}} Frame
 */

export class Replay {
  /**
   * @param {{replay_id: string, world_ref: string, chunk_count: ?number, meta: any, run?: any, world: any}} start
   */
  constructor(start) {
    this.id = start.replay_id;
    this.worldRef = start.world_ref;
    /** @type {?number} total chunks, null while a live stream does not know it */
    this.chunkCount = start.chunk_count ?? null;
    this.meta = start.meta || {};
    this.run = start.run || null;
    this.world = start.world;
    /** @type {Map<number, Frame[]>} chunks received, by index */
    this.chunks = new Map();
    /** @type {Frame[]} playable frames: chunks 0..k with no gap */
    this.frames = [];
    this.contiguous = 0; // chunks 0..contiguous-1 are in `frames`
    this.bytes = 0;
    this.complete = false;
    /** when the last event of this replay arrived (ms since the epoch) */
    this.lastDataAt = Date.now();
    /** the longest stretch of match time one chunk carried (s): live playback lags by up to that */
    this.maxChunkSpan = 0;
  }

  /**
   * Adds a chunk; returns true when the playable timeline grew.
   * @param {number} index
   * @param {Frame[]} frames
   * @param {number} bytes size of the event payload
   */
  addChunk(index, frames, bytes) {
    if (!Number.isInteger(index) || index < 0 || this.chunks.has(index) || !Array.isArray(frames)) return false;
    this.chunks.set(index, frames);
    this.bytes += bytes;
    if (frames.length > 1) this.maxChunkSpan = Math.max(this.maxChunkSpan, frames[frames.length - 1].t - frames[0].t);
    this.lastDataAt = Date.now();
    let grew = false;
    while (this.chunks.has(this.contiguous)) {
      for (const f of this.chunks.get(this.contiguous)) this.frames.push(f);
      this.contiguous++;
      grew = true;
    }
    return grew;
  }

  /** Marks the replay complete (replay_end). */
  end() {
    this.complete = true;
    if (this.chunkCount == null) this.chunkCount = this.chunks.size;
  }

  /** Indices known to be missing before the highest chunk received. */
  gaps() {
    const gaps = [];
    const highest = Math.max(-1, ...this.chunks.keys());
    for (let i = this.contiguous; i < highest; i++) if (!this.chunks.has(i)) gaps.push(i);
    return gaps;
  }

  /** Total frames received, playable or not. */
  receivedFrames() {
    let n = 0;
    for (const c of this.chunks.values()) n += c.length;
    return n;
  }

  /** Duration in seconds of the playable frames. */
  duration() {
    const f = this.frames;
    return f.length > 1 ? f[f.length - 1].t - f[0].t : 0;
  }

  /**
   * How the match went, from the frames so far: the winner and the rule that decided it (the
   * earlier of a team's zone score reaching zone_score_to_win and a team left with no mech alive;
   * else none, by time-out), final zone scores and kills per team.
   * @returns {?{winner: ?string, rule: string, at: number, scores: Object<string, number>,
   *             toWin: ?number, kills: Object<string, number>, alive: Object<string, number>, duration: number}}
   */
  outcome() {
    const f = this.frames;
    if (!f.length) return null;
    const t0 = f[0].t;
    /** @type {Object<string, string>} */
    const teamOf = {};
    /** @type {Object<string, number>} */
    const kills = {};
    /** @type {?{winner: string, rule: string, at: number}} */
    let decided = null;
    for (const frame of f) {
      for (const [id, m] of Object.entries(frame.mechs || {})) if (m && m.team) teamOf[id] = m.team;
      for (const e of frame.events || []) {
        if (e.type !== 'kill') continue;
        const team = teamOf[e.shooter];
        if (team) kills[team] = (kills[team] || 0) + 1;
      }
      if (decided) continue;
      const obj = frame.objective || {};
      const toWin = obj.zone_score_to_win;
      const scores = obj.zone_score || {};
      const reached = Object.keys(scores).filter((k) => toWin != null && scores[k] >= toWin);
      if (reached.length === 1) {
        decided = { winner: reached[0], rule: 'zone', at: frame.t - t0 };
        continue;
      }
      /** @type {Object<string, number>} */
      const alive = {};
      for (const m of Object.values(frame.mechs || {})) if (m && m.team) alive[m.team] = (alive[m.team] || 0) + (m.alive ? 1 : 0);
      const standing = Object.keys(alive).filter((k) => alive[k] > 0);
      if (Object.keys(alive).length > 1 && standing.length === 1) {
        decided = { winner: standing[0], rule: 'elimination', at: frame.t - t0 };
      }
    }
    const last = f[f.length - 1];
    /** @type {Object<string, number>} */
    const alive = {};
    for (const m of Object.values(last.mechs || {})) if (m && m.team) alive[m.team] = (alive[m.team] || 0) + (m.alive ? 1 : 0);
    const obj = last.objective || {};
    return { winner: decided ? decided.winner : null, rule: decided ? decided.rule : 'time-out',
      at: decided ? decided.at : this.duration(), scores: { ...(obj.zone_score || {}) },
      toWin: obj.zone_score_to_win ?? null, kills, alive, duration: this.duration() };
  }

  /**
   * Index of the last frame with t <= time (binary search).
   * @param {number} time
   */
  indexAt(time) {
    const f = this.frames;
    let lo = 0, hi = f.length - 1;
    if (hi < 0) return -1;
    if (time <= f[0].t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f[mid].t <= time) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}
