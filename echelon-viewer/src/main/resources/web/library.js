// The replay library: lists the server's archive (GET /replays) and loads any replay from it.

/**
 * @typedef {{kills: number, deaths: number, alive: ?number, damage_dealt: number, return: ?number}} TeamOutcome
 * @typedef {{winner: ?string, rule: string, decided_at_s: ?number, duration_s: ?number, ticks: ?number,
 *            zone_score: Object<string, number>, zone_score_to_win: ?number, kills: number,
 *            teams: Object<string, TeamOutcome>, mechs?: Object<string, any>}} Outcome
 * @typedef {{replay_id: string, world_ref: string, chunk_count: ?number, chunks_received: number,
 *            frames: number, bytes: number, complete: boolean, live: boolean, meta: any, run: any,
 *            started_at: number, updated_at: number, outcome: ?Outcome}} ReplaySummary
 */

/**
 * Newest first, of one run when {@code run} is given.
 * @param {number} limit @param {string} [run]
 * @returns {Promise<ReplaySummary[]>}
 */
export async function listReplays(limit = 50, run = '') {
  return (await searchReplays({ limit: String(limit), ...(run ? { run } : {}) })).replays;
}

/**
 * One page of a search of the archive (GET /replays with filters, sort and cursor).
 * @param {Object<string, string>} params
 * @returns {Promise<{replays: ReplaySummary[], next_cursor: ?string}>}
 */
export async function searchReplays(params) {
  const res = await fetch(`/replays?${new URLSearchParams(params)}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `cannot list replays: HTTP ${res.status}`);
  return body;
}

/**
 * One point per replay of a training run, in training order (GET /runs/{name}/progress).
 * @param {string} run
 * @returns {Promise<{run: string, points: any[]}>}
 */
export async function runProgress(run) {
  const res = await fetch(`/runs/${encodeURIComponent(run)}/progress`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `cannot read the progress of run ${run}: HTTP ${res.status}`);
  return body;
}

/**
 * Loads an archived replay: its summary and world, then every stored chunk in order.
 * @param {string} id
 * @param {{onStart: (start: any) => void, onChunk: (data: any, bytes: number) => void, onEnd: (data: any) => void}} sink
 * @param {() => boolean} cancelled stop early when the user moved on
 */
export async function loadReplay(id, sink, cancelled) {
  const summary = await json(`/replays/${encodeURIComponent(id)}`);
  const world = await json(`/worlds/${summary.world_ref}`);
  if (cancelled()) return;
  sink.onStart({ replay_id: id, world_ref: summary.world_ref, chunk_count: summary.chunk_count,
    meta: summary.meta, run: summary.run, world });
  for (const i of summary.received) {
    if (cancelled()) return;
    const res = await fetch(`/replays/${encodeURIComponent(id)}/chunks/${i}`);
    if (!res.ok) continue; // a damaged chunk shows as a gap
    const text = await res.text();
    sink.onChunk(JSON.parse(text), text.length);
  }
  if (summary.complete && !cancelled()) sink.onEnd({ replay_id: id });
}

async function json(url) {
  const res = await fetch(url);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.detail || `${url}: HTTP ${res.status}`), { status: res.status });
  return body;
}

/** @param {number} seconds since the epoch */
export function age(seconds) {
  const s = Math.max(0, Date.now() / 1000 - seconds);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
