// The run progress panel: one point per replay of a training run, placed by update and episode
// length and coloured by who won; a rolling win rate over the matches themselves, and the
// trainer's own eval win rate where its run object has one. Clicking a point opens that replay:
// TensorBoard's curve, with the episode behind each point a click away.
import { runProgress } from './library.js';
import { $ } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 420, H = 180, PAD = { left: 40, right: 40, top: 22, bottom: 26 };
/** Matches in the rolling win rate. */
export const WINDOW = 20;

/**
 * @typedef {{winner: ?string, rule: string, duration_s: ?number, kills: number, teams: string[],
 *            return?: Object<string, ?number>}} PointOutcome
 * @typedef {{replay_id: string, update: ?number, global_step: ?number, eval: any, frames: number,
 *            complete: boolean, live: boolean, started_at: number, outcome: ?PointOutcome}} ProgressPoint
 */

/**
 * The share of the last {@link WINDOW} finished matches (up to each point) that {@code team} won:
 * one value per point, null until a match finished.
 * @param {ProgressPoint[]} points in training order @param {string} team
 * @returns {Array<?number>}
 */
export function rollingWinRate(points, team) {
  /** @type {boolean[]} */
  const finished = [];
  return points.map((p) => {
    const o = p.outcome;
    if (o && o.rule !== 'undecided') finished.push(o.winner === team);
    const recent = finished.slice(-WINDOW);
    return recent.length ? recent.filter(Boolean).length / recent.length : null;
  });
}

/**
 * @param {{open: (id: string) => void, run: () => string}} app the replay opener, and the run to plot
 */
export function initRunPlot(app) {
  const panel = $('run-plot');
  /** @type {ProgressPoint[]} */
  let last = [];

  async function refresh() {
    const run = app.run();
    $('run-plot-title').textContent = run ? `run ${run}` : 'run progress';
    if (!run) {
      draw([], 'pick a run in the run menu, or open a replay of one');
      return;
    }
    try {
      const body = await runProgress(run);
      last = body.points;
      teams(last);
      draw(last, body.points.length ? '' : `no replay of run ${run} yet`);
    } catch (err) {
      draw([], /** @type {Error} */ (err).message);
    }
  }

  /** Offers the teams the run's outcomes name, keeping the choice. @param {ProgressPoint[]} points */
  function teams(points) {
    const picker = $('run-plot-team');
    const names = new Set();
    for (const p of points) for (const t of (p.outcome && p.outcome.teams) || []) names.add(t);
    const chosen = picker.value || (names.has('blue') ? 'blue' : [...names][0] || 'blue');
    picker.replaceChildren(...[...names].sort().map((n) => new Option(`${n} win rate`, n)));
    if (!names.size) picker.append(new Option('blue win rate', 'blue'));
    picker.value = names.has(chosen) || !names.size ? chosen : [...names][0];
  }

  /** @param {ProgressPoint[]} all @param {string} message */
  function draw(all, message) {
    const svg = $('run-plot-svg');
    svg.replaceChildren();
    $('run-plot-note').textContent = message;
    const points = all.filter((p) => p.update != null);
    if (!points.length) {
      if (all.length && !message) $('run-plot-note').textContent = 'its replays carry no run.update to place them by';
      return;
    }
    const team = $('run-plot-team').value || 'blue';
    const seconds = points.some((p) => p.outcome && p.outcome.duration_s != null);
    const length = (/** @type {ProgressPoint} */ p) => seconds ? (p.outcome && p.outcome.duration_s) ?? 0 : p.frames;
    const xs = points.map((p) => /** @type {number} */ (p.update));
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    const lMax = Math.max(1, ...points.map(length));
    const x = (/** @type {number} */ u) => PAD.left + (x1 === x0 ? 0.5 : (u - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const yLength = (/** @type {number} */ f) => H - PAD.bottom - (f / lMax) * (H - PAD.top - PAD.bottom);
    const yRate = (/** @type {number} */ r) => H - PAD.bottom - r * (H - PAD.top - PAD.bottom);
    const text = (/** @type {number} */ tx, /** @type {number} */ ty, /** @type {string} */ s, anchor = 'middle') => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(tx));
      t.setAttribute('y', String(ty));
      t.setAttribute('text-anchor', anchor);
      t.textContent = s;
      svg.append(t);
    };
    // axes: updates below, episode length left, win rates right
    const axis = document.createElementNS(SVG, 'path');
    axis.setAttribute('d', `M${PAD.left},${PAD.top} V${H - PAD.bottom} H${W - PAD.right} V${PAD.top}`);
    axis.setAttribute('class', 'axis');
    svg.append(axis);
    text(PAD.left, H - 8, `update ${x0}`, 'start');
    text(W - PAD.right, H - 8, `${x1}`, 'end');
    text(PAD.left - 4, PAD.top + 8, seconds ? `${Math.round(lMax)} s` : `${lMax}`, 'end');
    text(PAD.left - 4, H - PAD.bottom, '0', 'end');
    text(W - PAD.right + 4, PAD.top + 8, '100%', 'start');
    text(W - PAD.right + 4, H - PAD.bottom, '0%', 'start');
    text(W / 2, 10, `${seconds ? 'episode s' : 'frames'} ●   ${team} wins, last ${WINDOW} ─   eval ◆`);

    const rates = rollingWinRate(points, team);
    const line = points.map((p, i) => rates[i] == null ? null : `${x(/** @type {number} */ (p.update))},${yRate(/** @type {number} */ (rates[i]))}`)
      .filter(Boolean);
    if (line.length) {
      const path = document.createElementNS(SVG, 'polyline');
      path.setAttribute('points', line.join(' '));
      path.setAttribute('class', 'winrate');
      svg.append(path);
    }
    points.forEach((p, i) => {
      const o = p.outcome;
      const rate = p.eval && typeof p.eval.win_rate === 'number' ? p.eval.win_rate : null;
      const result = !o ? '' : o.winner ? ` · ${o.winner} won (${o.rule === 'zone' ? 'zone points' : o.rule})`
        : ` · ${o.rule === 'undecided' ? 'undecided' : o.rule === 'time-out' ? 'time-out' : 'draw'}`;
      const ret = o && o.return && o.return[team] != null ? ` · ${team} return ${o.return[team].toFixed(2)}` : '';
      const summary = `${p.replay_id} · update ${p.update}${p.global_step != null ? ` · step ${p.global_step}` : ''}${result}`
        + `${o && o.duration_s != null ? ` · ${o.duration_s.toFixed(1)} s` : ` · ${p.frames} frames`}`
        + `${o ? ` · ${o.kills} kills` : ''}${ret}`
        + `${rates[i] != null ? ` · ${team} won ${(100 * /** @type {number} */ (rates[i])).toFixed(0)}% of the last ${WINDOW}` : ''}`
        + `${rate != null ? ` · eval win ${(100 * rate).toFixed(0)}%` : ''}`
        + `${p.complete ? '' : ' · incomplete'} (click to open)`;
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', String(x(/** @type {number} */ (p.update))));
      dot.setAttribute('cy', String(yLength(length(p))));
      dot.setAttribute('r', '4');
      dot.setAttribute('class', 'episode' + (o && o.winner ? ' ' + o.winner : ''));
      dot.dataset.replayId = p.replay_id;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = summary;
      dot.append(title);
      dot.addEventListener('click', () => app.open(p.replay_id));
      svg.append(dot);
      if (rate != null) {
        const d = document.createElementNS(SVG, 'rect');
        const cx = x(/** @type {number} */ (p.update)), cy = yRate(Math.max(0, Math.min(1, rate)));
        d.setAttribute('x', String(cx - 3));
        d.setAttribute('y', String(cy - 3));
        d.setAttribute('width', '6');
        d.setAttribute('height', '6');
        d.setAttribute('transform', `rotate(45 ${cx} ${cy})`);
        d.setAttribute('class', 'rate');
        d.dataset.replayId = p.replay_id;
        d.append(title.cloneNode(true));
        d.addEventListener('click', () => app.open(p.replay_id));
        svg.append(d);
      }
    });
  }

  function toggle() {
    panel.classList.toggle('hidden');
    if (!panel.classList.contains('hidden')) refresh();
  }
  $('run-plot-toggle').onclick = toggle;
  $('run-plot-close').onclick = toggle;
  $('run-plot-team').onchange = () => draw(last, $('run-plot-note').textContent);
  setInterval(() => { if (!panel.classList.contains('hidden')) refresh(); }, 10000);
  return { toggle, refresh };
}
