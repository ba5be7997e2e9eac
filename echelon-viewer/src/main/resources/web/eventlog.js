// The event log: a replay's kills and hits as a list (time, shooter, target, weapon, damage);
// clicking one jumps the replay there.
import { $ } from './dom.js';
/** Rows kept at most: a long match has thousands of hits; the newest are cut, never the kills. */
const MAX_ROWS = 2000;

/**
 * @param {{replay: () => ?import('./replay.js').Replay, seek: (frameIndex: number) => void}} app
 */
export function initEventLog(app) {
  const panel = $('event-log');
  let shownFor = /** @type {any} */ (null);
  let shownFrames = -1;
  let shownHits = false;

  function refresh() {
    const r = app.replay();
    const hits = $('event-log-hits').checked;
    if (r === shownFor && r && r.frames.length === shownFrames && hits === shownHits) return;
    shownFor = r;
    shownFrames = r ? r.frames.length : -1;
    shownHits = hits;
    const list = $('event-log-list');
    if (!r || !r.frames.length) {
      list.replaceChildren(Object.assign(document.createElement('li'), { className: 'empty', textContent: 'no replay' }));
      return;
    }
    /** @type {Object<string, string>} */
    const team = {};
    const t0 = r.frames[0].t;
    const rows = [];
    let cut = 0;
    for (let i = 0; i < r.frames.length; i++) {
      const f = r.frames[i];
      for (const [id, m] of Object.entries(f.mechs || {})) if (m && m.team) team[id] = m.team;
      for (const e of f.events || []) {
        const kill = e.type === 'kill';
        if (!kill && !(hits && e.target && typeof e.damage === 'number')) continue;
        if (!kill && rows.length >= MAX_ROWS) { cut++; continue; }
        const li = document.createElement('li');
        li.className = kill ? 'kill' : 'hit';
        li.dataset.frame = String(i);
        const who = (/** @type {string} */ id) => Object.assign(document.createElement('span'),
          { className: team[id] || '', textContent: id });
        const time = Object.assign(document.createElement('span'), { className: 'at', textContent: `${(f.t - t0).toFixed(1)} s` });
        li.append(time, who(e.shooter), kill ? ' killed ' : ` hit (${e.weapon || e.type}, ${e.damage.toFixed(1)}) `,
          who(e.target));
        li.onclick = () => app.seek(i);
        rows.push(li);
      }
    }
    if (!rows.length) rows.push(Object.assign(document.createElement('li'), { className: 'empty', textContent: 'no kills yet' }));
    if (cut) rows.push(Object.assign(document.createElement('li'), { className: 'empty', textContent: `${cut} more hits not listed` }));
    list.replaceChildren(...rows);
  }

  function toggle() {
    panel.classList.toggle('hidden');
    shownFor = null;
    if (!panel.classList.contains('hidden')) refresh();
  }
  $('event-log-toggle').onclick = toggle;
  $('event-log-close').onclick = toggle;
  $('event-log-hits').onchange = refresh;
  setInterval(() => { if (!panel.classList.contains('hidden')) refresh(); }, 1000);
  return { toggle, refresh };
}
