// DOM overlays: progress bar, zone score, kill feed, damage floaters, the mech inspector.
import { $ } from './dom.js';

const STALLED_S = 30;
const MAX_FLOATERS = 12;

/** Inspector groups: [field, unit, field holding its maximum]. Positions are in voxels. */
/** @type {[string, string[][]][]} */
const GROUPS = [
  ['position', [['pos', 'vox'], ['vel', 'vox/s'], ['yaw', '°']]],
  ['health', [['hp', 'hp', 'hp_max'], ['stability', '', 'stability_max'], ['alive'], ['fallen'], ['legged']]],
  ['heat', [['heat', '', 'heat_cap'], ['suppressed_time', 's']]],
  ['systems', [['ams_cooldown', 's'], ['ecm_on'], ['eccm_on']]],
];

/** @param {any} v */
function format(v) {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? x.toFixed(1) : x)).join(', ');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  return String(v);
}

/** @param {string} k @param {string} v @param {string} [cls] */
function row(k, v, cls) {
  const tr = document.createElement('tr');
  if (cls) tr.className = cls;
  const a = document.createElement('td');
  const b = document.createElement('td');
  a.textContent = k;
  b.textContent = v;
  tr.append(a, b);
  return tr;
}

/** @param {number} s seconds */
function formatAge(s) {
  return s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

export class Hud {
  constructor() {
    this.killfeed = $('killfeed');
    this.floaters = $('floaters');
  }

  /**
   * @param {?import('./replay.js').Replay} r
   */
  progress(r) {
    const bar = $('progress-bar');
    const text = $('progress-text');
    if (!r) {
      bar.replaceChildren();
      text.textContent = 'no replay';
      return;
    }
    const total = r.chunkCount;
    const received = r.chunks.size;
    const mb = (r.bytes / 1e6).toFixed(1);
    const frames = r.receivedFrames();
    const gaps = r.gaps();
    // a replay whose trainer went quiet is not "live" for ever: say how long it has been silent
    const quiet = r.complete || !r.lastDataAt ? 0 : (Date.now() - r.lastDataAt) / 1000;
    const stalled = quiet >= STALLED_S;
    let status = r.complete ? ' · complete' : stalled ? ` · stalled: no data for ${formatAge(quiet)}` : '';
    if (gaps.length) status += ` · waiting for chunk ${gaps[0]}`;
    text.textContent = `chunk ${received} / ${total ?? '?'} · ${frames} frames · ${mb} MB${status}`;
    bar.classList.toggle('live', total == null && !stalled && !r.complete);
    bar.classList.toggle('stalled', stalled);
    if (total != null && total <= 400) {
      if (bar.children.length !== total) {
        bar.replaceChildren(...Array.from({ length: total }, () => {
          const d = document.createElement('div');
          d.className = 'seg';
          return d;
        }));
      }
      for (let i = 0; i < total; i++) {
        bar.children[i].className = 'seg' + (r.chunks.has(i) ? ' have' : gaps.includes(i) ? ' gap' : '');
      }
    } else {
      bar.replaceChildren();
    }
  }

  /** @param {any} objective */
  score(objective) {
    const box = $('score');
    if (!objective || !objective.zone_score) {
      box.classList.add('hidden');
      return;
    }
    box.classList.remove('hidden');
    const win = objective.zone_score_to_win || 1;
    $('score-label').textContent = `zone points, ${win} to win`;
    for (const team of ['blue', 'red']) {
      const s = objective.zone_score[team] || 0;
      $('score-' + team).style.width = Math.min(100, (100 * s) / win) + '%';
      $('score-' + team + '-text').textContent = `${s.toFixed(1)} / ${win}`;
    }
  }

  /**
   * @param {any[]} events @param {any} frame
   * @param {(pos: number[]) => ?{x: number, y: number}} project
   */
  events(events, frame, project) {
    const mechs = (frame && frame.mechs) || {};
    for (const e of events || []) {
      if (e.type === 'kill') {
        const li = document.createElement('li');
        const shooter = document.createElement('span');
        shooter.className = (mechs[e.shooter] || {}).team || '';
        shooter.textContent = e.shooter;
        const target = document.createElement('span');
        target.className = (mechs[e.target] || {}).team || '';
        target.textContent = e.target;
        li.append(shooter, ' ⟶ ', target);
        this.killfeed.prepend(li);
        while (this.killfeed.children.length > 6) this.killfeed.lastChild.remove();
      } else if (typeof e.damage === 'number' && Array.isArray(e.pos)) {
        const p = project(e.pos);
        if (!p || this.floaters.children.length >= MAX_FLOATERS) continue;
        const el = document.createElement('div');
        el.className = 'floater' + (e.is_crit ? ' crit' : '');
        el.textContent = e.damage.toFixed(0);
        el.style.left = p.x + 'px';
        el.style.top = p.y + 'px';
        this.floaters.append(el);
        requestAnimationFrame(() => { el.style.transform = 'translateY(-30px)'; el.style.opacity = '0'; });
        setTimeout(() => el.remove(), 1000);
      }
    }
  }

  clearFeed() {
    this.killfeed.replaceChildren();
    this.floaters.replaceChildren();
  }

  /**
   * Shows a mech's fields in the current frame.
   * @param {?string} id @param {any} frame
   */
  inspect(id, frame) {
    const panel = $('inspect');
    const m = id && frame && frame.mechs ? frame.mechs[id] : null;
    if (!m) {
      panel.classList.add('hidden');
      return;
    }
    panel.classList.remove('hidden');
    $('inspect-title').textContent = `${id} · ${m.class} · ${m.team}`;
    const rows = [];
    const used = new Set(['team', 'class']);
    for (const [group, fields] of GROUPS) {
      const present = fields.filter(([k]) => k in m);
      if (!present.length) continue;
      rows.push(row(group, '', 'group'));
      for (const [k, unit, max] of present) {
        used.add(k);
        if (max) used.add(max);
        let text = format(m[k]);
        if (max && typeof m[max] === 'number') text += ` / ${format(m[max])}`;
        if (k === 'yaw' && typeof m[k] === 'number') text = ((m[k] * 180) / Math.PI).toFixed(0);
        rows.push(row(k, unit ? `${text} ${unit}` : text));
      }
    }
    const other = Object.keys(m).filter((k) => !used.has(k));
    if (other.length) {
      rows.push(row('other', '', 'group'));
      for (const k of other) rows.push(row(k, format(m[k])));
    }
    $('inspect-table').replaceChildren(...rows);
  }
}
