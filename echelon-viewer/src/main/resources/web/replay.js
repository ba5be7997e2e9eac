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
