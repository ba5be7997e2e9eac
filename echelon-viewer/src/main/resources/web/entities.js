// The entity panel: mechs by team with alive/dead and HP, and small time-series plots of the
// selected mech over the replay so far (HP, heat, and any numeric field it carries, RL signals
// under `rl` included, alone or summed over its team), with the playhead marked.
import { $ } from './dom.js';


export class EntityPanel {
  /** @param {(id: string) => void} onSelect */
  constructor(onSelect) {
    this.onSelect = onSelect;
    this.list = $('entity-list');
    this.canvas = /** @type {HTMLCanvasElement} */ ($('plots'));
    /** @type {?{key: string, hp: number[], heat: number[], dist: number[], hpMax: number, heatMax: number}} */
    this.series = null;
    this.rows = new Map();
    /** The third plot's field ('' = distance to the zone) and whether it sums the mech's team. */
    this.field = '';
    this.teamTotal = false;
    /** @type {?{field: string, total: boolean, now: number, min: number, max: number}} what the third plot shows */
    this.shown = null;
    $('entities-toggle').onclick = () => this.toggle();
    $('plot-field').onchange = (/** @type {any} */ e) => { this.field = e.target.value; this.series = null; };
    $('plot-total').onchange = (/** @type {any} */ e) => { this.teamTotal = e.target.checked; this.series = null; };
  }

  /**
   * The numeric fields of a mech, nested ones (such as `rl.reward`) with a dotted name.
   * @param {any} m @returns {string[]}
   */
  static fieldsOf(m) {
    const out = [];
    for (const [k, v] of Object.entries(m || {})) {
      if (typeof v === 'number') out.push(k);
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') out.push(`${k}.${k2}`);
      }
    }
    return out.sort();
  }

  /** @param {any} m @param {string} field */
  static valueOf(m, field) {
    if (!m) return NaN;
    const [a, b] = field.split('.');
    const v = b === undefined ? m[a] : m[a] && m[a][b];
    return typeof v === 'number' ? v : NaN;
  }

  /** Fills the field picker from the selected mech's fields. @param {any} m */
  pickerFrom(m) {
    const picker = $('plot-field');
    const fields = EntityPanel.fieldsOf(m);
    const want = ['', ...fields].join('|');
    if (picker.dataset.fields === want) return;
    picker.dataset.fields = want;
    picker.replaceChildren(new Option('distance to zone', ''), ...fields.map((f) => new Option(f, f)));
    if (!fields.includes(this.field)) this.field = ''; // another mech without it
    picker.value = this.field;
  }

  toggle() {
    $('entities').classList.toggle('collapsed');
  }

  /**
   * Refreshes the list from one frame.
   * @param {any} frame @param {?string} selected
   */
  update(frame, selected) {
    const mechs = (frame && frame.mechs) || {};
    const ids = Object.keys(mechs).sort((a, b) => (mechs[a].team || '').localeCompare(mechs[b].team || '') || a.localeCompare(b, undefined, { numeric: true }));
    if (ids.join() !== [...this.rows.keys()].join()) {
      this.rows.clear();
      this.list.replaceChildren(...ids.map((id) => {
        const row = document.createElement('li');
        row.dataset.mech = id;
        row.innerHTML = '<span class="dot"></span><span class="name"></span><span class="hpbar"><span></span></span>';
        row.querySelector('.name').textContent = id;
        row.onclick = () => this.onSelect(id);
        this.rows.set(id, row);
        return row;
      }));
    }
    for (const id of ids) {
      const m = mechs[id];
      const row = this.rows.get(id);
      row.className = `${m.team || ''}${m.alive === false ? ' dead' : ''}${id === selected ? ' selected' : ''}`;
      const frac = m.hp_max > 0 ? Math.max(0, Math.min(1, m.hp / m.hp_max)) : 0;
      row.querySelector('.hpbar span').style.width = `${(100 * frac).toFixed(0)}%`;
      row.title = `${id}: ${m.alive === false ? 'destroyed' : `${Math.round(m.hp)} / ${m.hp_max} hp`}`;
    }
  }

  /**
   * Draws the selected mech's plots up to the frames received so far.
   * @param {any} r the replay @param {?string} id @param {number} index the playhead frame
   */
  plot(r, id, index) {
    const c = this.canvas;
    c.classList.toggle('hidden', !id);
    if (!id || !r) return;
    const at = r.frames[Math.max(0, Math.min(index, r.frames.length - 1))];
    if (at && at.mechs) this.pickerFrom(at.mechs[id]);
    const key = `${r.id}/${id}/${this.field}/${this.teamTotal}`;
    if (!this.series || this.series.key !== key) this.series = { key, hp: [], heat: [], dist: [], hpMax: 1, heatMax: 1 };
    const s = this.series;
    for (let k = s.hp.length; k < r.frames.length; k++) {
      const f = r.frames[k];
      const m = f.mechs && f.mechs[id];
      const zone = f.objective && f.objective.zone_center;
      s.hp.push(m ? m.hp : NaN);
      s.heat.push(m ? m.heat : NaN);
      s.dist.push(this.pick(f, m, zone));
      if (m) { s.hpMax = Math.max(s.hpMax, m.hp_max || 0); s.heatMax = Math.max(s.heatMax, m.heat_cap || 0); }
    }
    const ctx = c.getContext('2d');
    const w = c.width, h = c.height;
    ctx.clearRect(0, 0, w, h);
    const picked = s.dist.filter(Number.isFinite);
    const third = (this.field || 'distance to zone (vox)') + (this.teamTotal ? ', team total' : '');
    const charts = [
      { name: 'hp', values: s.hp, min: 0, max: s.hpMax, color: '#22c55e' },
      { name: 'heat', values: s.heat, min: 0, max: s.heatMax, color: '#f97316' },
      { name: third, values: s.dist, min: Math.min(0, ...picked), max: Math.max(this.field ? 0 : 1, ...picked),
        color: '#38bdf8' },
    ];
    const nowPicked = s.dist[Math.min(index, s.dist.length - 1)];
    this.shown = { field: this.field, total: this.teamTotal, now: nowPicked, min: charts[2].min, max: charts[2].max };
    const ch = h / charts.length;
    const n = Math.max(2, s.hp.length);
    charts.forEach((chart, i) => {
      const top = i * ch + 14, bottom = (i + 1) * ch - 4;
      ctx.fillStyle = '#8a93a1';
      ctx.font = '11px system-ui, sans-serif';
      const now = chart.values[Math.min(index, chart.values.length - 1)];
      ctx.fillText(`${chart.name}${Number.isFinite(now) ? ': ' + num(now) : ''}`, 2, i * ch + 11);
      ctx.textAlign = 'right'; // the y axis: its top and bottom values
      ctx.fillText(num(chart.max), w - 3, top + 10);
      ctx.fillText(num(chart.min), w - 3, bottom - 2);
      ctx.textAlign = 'left';
      ctx.strokeStyle = '#2a303a';
      ctx.strokeRect(0.5, top + 0.5, w - 1, bottom - top);
      ctx.strokeStyle = chart.color;
      ctx.beginPath();
      let pen = false;
      chart.values.forEach((v, k) => {
        if (!Number.isFinite(v)) { pen = false; return; }
        const x = (k / (n - 1)) * (w - 2) + 1;
        const span = chart.max - chart.min || 1;
        const y = bottom - ((Math.max(chart.min, v) - chart.min) / span) * (bottom - top - 2) - 1;
        if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        pen = true;
      });
      ctx.stroke();
      const px = (Math.max(0, index) / (n - 1)) * (w - 2) + 1;
      ctx.strokeStyle = '#e5e7eb';
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      // time ticks every 10 s along the bottom of each chart
      const t0 = r.frames[0].t;
      ctx.strokeStyle = '#4b5563';
      ctx.beginPath();
      for (let t = 10; t < r.frames[r.frames.length - 1].t - t0; t += 10) {
        const tx = (r.indexAt(t0 + t) / (n - 1)) * (w - 2) + 1;
        ctx.moveTo(tx, bottom);
        ctx.lineTo(tx, bottom - 4);
      }
      ctx.stroke();
    });
  }

  /**
   * The third plot's value in a frame: the picked field (summed over the mech's team when asked),
   * or the distance to the zone.
   * @param {any} f @param {any} m @param {?number[]} zone
   */
  pick(f, m, zone) {
    if (!this.field) return m && zone ? Math.hypot(m.pos[0] - zone[0], m.pos[1] - zone[1]) : NaN;
    if (!this.teamTotal) return EntityPanel.valueOf(m, this.field);
    if (!m) return NaN;
    let sum = 0, any = false;
    for (const other of Object.values(f.mechs || {})) {
      if (other.team !== m.team) continue;
      const v = EntityPanel.valueOf(other, this.field);
      if (Number.isFinite(v)) { sum += v; any = true; }
    }
    return any ? sum : NaN;
  }
}

/** A plot label: whole numbers as they are, others to two places. @param {number} v */
function num(v) {
  return Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}
