// Following live: when to leave a match, how it ended, and keeping up with a live stream.
import { $ } from './dom.js';
/** @typedef {import('./replay.js').Replay} Replay */


/** How long a finished match's result stays up before following live moves on (ms). */
export const RESULT_MS = 4000;
/**
 * A live replay this far (s) behind its edge skips to near it, and half this far plays faster; never
 * less than 2.5 chunks of match time, since playing live lags by up to one chunk as a matter of course.
 */
const JUMP_LAG_S = 20;
/** How far behind the edge (s) a skip lands. */
const EDGE_S = 3;

/**
 * Whether following live may leave this replay now: it was played to its end, or its trainer has
 * sent nothing for half a minute.
 * @param {?Replay} r @param {number} time playback position (s)
 */
export function watchedToEnd(r, time) {
  if (!r) return true;
  if (!r.complete) return Date.now() - r.lastDataAt > 30_000;
  return !r.frames.length || time >= r.duration() - 0.05;
}

/**
 * Where playback should be, and how fast, to keep up with the stream: a live replay far behind its
 * edge skips to near it; one somewhat behind (or a finished one with the next match waiting) plays
 * faster.
 * @param {Replay} r @param {number} time @param {number} speed @param {boolean} nextWaiting
 * @returns {{time: number, rate: number}}
 */
export function keepUp(r, time, speed, nextWaiting) {
  const lag = r.duration() - time;
  const jump = Math.max(JUMP_LAG_S, 2.5 * r.maxChunkSpan);
  if (!r.complete && lag > jump) return { time: r.duration() - EDGE_S, rate: speed };
  if (lag > jump / 2 && (!r.complete || nextWaiting)) return { time, rate: speed * 1.5 };
  return { time, rate: speed };
}

/**
 * Shows how the match on screen ended: winner in team colour, the rule, scores and kills; false
 * when its frames name no teams (nothing to tell).
 * @param {Replay} r
 */
export function showResult(r) {
  const o = r.outcome();
  if (!o || !Object.keys(o.alive).length) return false;
  const title = $('result-title');
  title.className = o.winner || '';
  const name = (/** @type {string} */ team) => team.charAt(0).toUpperCase() + team.slice(1);
  title.textContent = o.winner ? `${name(o.winner)} wins` : 'Draw';
  const how = o.rule === 'zone' ? `by zone points: ${o.toWin} reached at ${o.at.toFixed(1)} s`
    : o.rule === 'elimination' ? `by elimination at ${o.at.toFixed(1)} s` : `time-out after ${o.duration.toFixed(1)} s`;
  const teams = [...new Set([...Object.keys(o.scores), ...Object.keys(o.kills), ...Object.keys(o.alive)])].sort();
  const each = (/** @type {(t: string) => string} */ f) => teams.map((t) => `${t} ${f(t)}`).join(' · ');
  const lines = [how];
  if (Object.keys(o.scores).length) lines.push(`zone points ${each((t) => (o.scores[t] || 0).toFixed(1))} of ${o.toWin}`);
  lines.push(`kills ${each((t) => String(o.kills[t] || 0))}`, `alive at the end ${each((t) => String(o.alive[t] || 0))}`);
  $('result-detail').textContent = lines.join('\n');
  $('result').classList.remove('hidden');
  return true;
}
