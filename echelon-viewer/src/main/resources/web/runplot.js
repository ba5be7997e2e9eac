// The run progress panel: one point per replay of a training run, by update, episode length and
// the trainer's eval win rate; clicking a point opens that replay. TensorBoard's curve, with the
// episode behind each point a click away.
import { runProgress } from './library.js';

const $ = (id) => /** @type {any} */ (document.getElementById(id));
const SVG = 'http://www.w3.org/2000/svg';
const W = 420, H = 180, PAD = { left: 40, right: 40, top: 22, bottom: 26 };

/**
 * @typedef {{replay_id: string, update: ?number, global_step: ?number, eval: any, frames: number,
 *            complete: boolean, live: boolean, started_at: number}} ProgressPoint
 */

/**
 * @param {{open: (id: string) => void, run: () => string}} app the replay opener, and the run to plot
 */
export function initRunPlot(app) {
  const panel = $('run-plot');

  async function refresh() {
    const run = app.run();
    $('run-plot-title').textContent = run ? `run ${run}` : 'run progress';
    if (!run) {
      draw([], 'pick a run in the run menu, or open a replay of one');
      return;
    }
    try {
      const body = await runProgress(run);
      draw(body.points, body.points.length ? '' : `no replay of run ${run} yet`);
    } catch (err) {
      draw([], /** @type {Error} */ (err).message);
    }
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
    const xs = points.map((p) => /** @type {number} */ (p.update));
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    const fMax = Math.max(1, ...points.map((p) => p.frames));
    const x = (/** @type {number} */ u) => PAD.left + (x1 === x0 ? 0.5 : (u - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const yFrames = (/** @type {number} */ f) => H - PAD.bottom - (f / fMax) * (H - PAD.top - PAD.bottom);
    const yRate = (/** @type {number} */ r) => H - PAD.bottom - r * (H - PAD.top - PAD.bottom);
    const text = (/** @type {number} */ tx, /** @type {number} */ ty, /** @type {string} */ s, anchor = 'middle') => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(tx));
      t.setAttribute('y', String(ty));
      t.setAttribute('text-anchor', anchor);
      t.textContent = s;
      svg.append(t);
    };
    // axes: updates below, episode length (frames) left, eval win rate right
    const axis = document.createElementNS(SVG, 'path');
    axis.setAttribute('d', `M${PAD.left},${PAD.top} V${H - PAD.bottom} H${W - PAD.right} V${PAD.top}`);
    axis.setAttribute('class', 'axis');
    svg.append(axis);
    text(PAD.left, H - 8, `update ${x0}`, 'start');
    text(W - PAD.right, H - 8, `${x1}`, 'end');
    text(PAD.left - 4, PAD.top + 8, `${fMax}`, 'end');
    text(PAD.left - 4, H - PAD.bottom, '0', 'end');
    text(W - PAD.right + 4, PAD.top + 8, '100%', 'start');
    text(W - PAD.right + 4, H - PAD.bottom, '0%', 'start');
    text(W / 2, 10, 'frames per episode ●   eval win rate ◆');
    for (const p of points) {
      const rate = p.eval && typeof p.eval.win_rate === 'number' ? p.eval.win_rate : null;
      const summary = `${p.replay_id} · update ${p.update}${p.global_step != null ? ` · step ${p.global_step}` : ''}`
        + ` · ${p.frames} frames${rate != null ? ` · eval win ${(100 * rate).toFixed(0)}%` : ''}`
        + `${p.complete ? '' : ' · incomplete'} (click to open)`;
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', String(x(/** @type {number} */ (p.update))));
      dot.setAttribute('cy', String(yFrames(p.frames)));
      dot.setAttribute('r', '4');
      dot.setAttribute('class', 'episode');
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
    }
  }

  function toggle() {
    panel.classList.toggle('hidden');
    if (!panel.classList.contains('hidden')) refresh();
  }
  $('run-plot-toggle').onclick = toggle;
  $('run-plot-close').onclick = toggle;
  setInterval(() => { if (!panel.classList.contains('hidden')) refresh(); }, 10000);
  return { toggle, refresh };
}
