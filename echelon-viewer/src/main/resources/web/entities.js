// The entity panel: mechs by team with alive/dead and HP, and small time-series plots (HP, heat,
// distance to the zone) of the selected mech over the replay so far, with the playhead marked.

const $ = (id) => /** @type {any} */ (document.getElementById(id));

export class EntityPanel {
  /** @param {(id: string) => void} onSelect */
  constructor(onSelect) {
    this.onSelect = onSelect;
    this.list = $('entity-list');
    this.canvas = /** @type {HTMLCanvasElement} */ ($('plots'));
    /** @type {?{key: string, hp: number[], heat: number[], dist: number[], hpMax: number, heatMax: number}} */
    this.series = null;
    this.rows = new Map();
    $('entities-toggle').onclick = () => this.toggle();
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
    const key = `${r.id}/${id}`;
    if (!this.series || this.series.key !== key) this.series = { key, hp: [], heat: [], dist: [], hpMax: 1, heatMax: 1 };
    const s = this.series;
    for (let k = s.hp.length; k < r.frames.length; k++) {
      const f = r.frames[k];
      const m = f.mechs && f.mechs[id];
      const zone = f.objective && f.objective.zone_center;
      s.hp.push(m ? m.hp : NaN);
      s.heat.push(m ? m.heat : NaN);
      s.dist.push(m && zone ? Math.hypot(m.pos[0] - zone[0], m.pos[1] - zone[1]) : NaN);
      if (m) { s.hpMax = Math.max(s.hpMax, m.hp_max || 0); s.heatMax = Math.max(s.heatMax, m.heat_cap || 0); }
    }
    const ctx = c.getContext('2d');
    const w = c.width, h = c.height;
    ctx.clearRect(0, 0, w, h);
    const charts = [
      { name: 'hp', values: s.hp, max: s.hpMax, color: '#22c55e' },
      { name: 'heat', values: s.heat, max: s.heatMax, color: '#f97316' },
      { name: 'distance to zone (vox)', values: s.dist, max: Math.max(1, ...s.dist.filter(Number.isFinite)), color: '#38bdf8' },
    ];
    const ch = h / charts.length;
    const n = Math.max(2, s.hp.length);
    charts.forEach((chart, i) => {
      const top = i * ch + 14, bottom = (i + 1) * ch - 4;
      ctx.fillStyle = '#8a93a1';
      ctx.font = '11px system-ui, sans-serif';
      const now = chart.values[Math.min(index, chart.values.length - 1)];
      ctx.fillText(`${chart.name}${Number.isFinite(now) ? ': ' + now.toFixed(0) : ''}`, 2, i * ch + 11);
      ctx.strokeStyle = '#2a303a';
      ctx.strokeRect(0.5, top + 0.5, w - 1, bottom - top);
      ctx.strokeStyle = chart.color;
      ctx.beginPath();
      let pen = false;
      chart.values.forEach((v, k) => {
        if (!Number.isFinite(v)) { pen = false; return; }
        const x = (k / (n - 1)) * (w - 2) + 1;
        const y = bottom - (Math.max(0, v) / chart.max) * (bottom - top - 2) - 1;
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
    });
  }
}
