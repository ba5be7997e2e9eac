// The library panel and the run picker: browse the archive, open any replay, follow one run.
import { Replay } from './replay.js';
import { listReplays, searchReplays, loadReplay, age } from './library.js';
import { $ } from './dom.js';


/**
 * @param {{state: any, show: (r: Replay) => void, progress: (r: Replay) => void, runFilter: string}} app
 * @returns {{openArchived: (id: string, live: boolean) => Promise<?{status?: number, message: string}>,
 *            openLatest: () => Promise<void>,
 *            toggleLibrary: () => void}}
 */
export function initPanels(app) {
  const { state, show, runFilter } = app;
  const hud = { progress: app.progress };

let loadToken = 0;

/**
 * Shows a replay from the archive; chunks still being pushed keep arriving live.
 * @param {string} id @param {boolean} live follow live replays after this one
 * @returns {Promise<?{status?: number, message: string}>} null once shown, else why not
 */
async function openArchived(id, live) {
  const token = ++loadToken;
  state.followLive = live;
  $('follow').checked = live;
  let target = null;
  let failed = null;
  await loadReplay(id, {
    onStart(start) {
      target = state.replay && state.replay.id === id ? state.replay : new Replay(start);
      if (target !== state.replay) show(target);
    },
    onChunk(data, bytes) {
      if (target && target.addChunk(data.chunk_index, data.frames, bytes) && target === state.replay) hud.progress(target);
    },
    onEnd() {
      if (target) { target.end(); hud.progress(target); }
    },
  }, () => token !== loadToken).catch((err) => {
    failed = err;
    $('replay-info').textContent = 'library: ' + err.message;
  });
  return failed;
}

async function openLatest() {
  const [latest] = await listReplays(1, runFilter).catch(() => []);
  if (latest) await openArchived(latest.replay_id, true);
}

/** @type {?string} the cursor of the next page of the library's search, null when it is all shown */
let nextCursor = null;
let pagesShown = 0;

/** The library's search as GET /replays parameters: the box, the order, completeness and the run followed. */
function searchParams() {
  /** @type {Object<string, string>} */
  const p = { limit: '50', sort: $('library-sort').value };
  const q = $('library-q').value.trim();
  if (q) p.q = q;
  if ($('library-complete').value) p.complete = $('library-complete').value;
  if ($('library-winner').value) p.winner = $('library-winner').value;
  /** @type {Array<[string, string]>} */
  const numbers = [['library-kills', 'min_kills'], ['library-min-s', 'min_duration'], ['library-max-s', 'max_duration']];
  for (const [input, param] of numbers) {
    const v = $(input).value.trim();
    if (v !== '' && Number.isFinite(Number(v))) p[param] = String(Math.max(0, Math.floor(Number(v))));
  }
  if (runFilter) p.run = runFilter;
  return p;
}

/** @param {boolean} more append the next page rather than start again */
async function refreshLibrary(more = false) {
  const list = $('library-list');
  let page;
  try {
    page = await searchReplays(more && nextCursor ? { ...searchParams(), cursor: nextCursor } : searchParams());
  } catch (err) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: err.message }));
    return;
  }
  nextCursor = page.next_cursor;
  pagesShown = more ? pagesShown + 1 : 1;
  $('library-more').classList.toggle('hidden', !nextCursor);
  const rows = page.replays.map((r) => {
    const li = document.createElement('li');
    li.dataset.replayId = r.replay_id;
    if (state.replay && state.replay.id === r.replay_id) li.classList.add('current');
    const kind = r.live ? 'live' : r.complete ? 'complete' : 'partial';
    const badge = Object.assign(document.createElement('span'), { className: 'badge ' + kind, textContent: kind });
    const run = r.run && (r.run.name || r.run.run_dir);
    const meta = Object.entries(r.meta || {}).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k} ${v}`);
    const title = document.createElement('div');
    title.append(badge, r.replay_id, ...resultOf(r));
    const sub = Object.assign(document.createElement('div'), { className: 'sub' });
    const update = r.run && r.run.update != null ? `update ${r.run.update}` : null;
    sub.textContent = [run && `run ${run}`, update, ...meta, `${r.frames} frames`,
      `${r.chunks_received}/${r.chunk_count ?? '?'} chunks`, age(r.updated_at)].filter(Boolean).join(' · ');
    li.append(title, sub);
    li.onclick = () => openArchived(r.replay_id, false);
    return li;
  });
  if (more) list.append(...rows);
  else list.replaceChildren(...(rows.length ? rows : [Object.assign(document.createElement('li'),
    { className: 'empty', textContent: 'no replay matches' })]));
}

/**
 * A library row's result: the winner in team colour (or how it ended), duration and kills.
 * @param {import('./library.js').ReplaySummary} r
 * @returns {HTMLElement[]}
 */
function resultOf(r) {
  const o = r.outcome;
  if (!o) return [];
  const who = document.createElement('span');
  who.className = 'outcome ' + (o.winner ? 'team ' + o.winner : 'none');
  who.textContent = o.winner ? `${o.winner} won` : o.rule === 'undecided' ? 'undecided' : o.rule === 'time-out' ? 'time-out' : 'draw';
  who.title = o.winner ? `decided by ${o.rule === 'zone' ? 'zone points' : o.rule}` : '';
  const facts = Object.assign(document.createElement('span'), { className: 'facts' });
  facts.textContent = [o.duration_s != null ? `${o.duration_s.toFixed(1)} s` : null, `${o.kills} kills`].filter(Boolean).join(' · ');
  return [who, facts];
}

let typing = 0;
$('library-q').oninput = () => { clearTimeout(typing); typing = setTimeout(() => refreshLibrary(), 250); };
for (const id of ['library-kills', 'library-min-s', 'library-max-s']) {
  $(id).oninput = () => { clearTimeout(typing); typing = setTimeout(() => refreshLibrary(), 250); };
}
$('library-winner').onchange = () => refreshLibrary();
$('library-sort').onchange = () => refreshLibrary();
$('library-complete').onchange = () => refreshLibrary();
$('library-more').onclick = () => refreshLibrary(true);

async function refreshRuns() {
  const picker = $('run-picker');
  try {
    const res = await fetch('/runs');
    const { runs } = await res.json();
    const names = new Set([runFilter, ...runs.map((r) => r.name)].filter(Boolean));
    picker.replaceChildren(new Option('all runs', ''), ...[...names].map((n) => new Option(n, n)));
    picker.value = runFilter;
  } catch (err) {
    console.warn('echelon: cannot list runs', err);
  }
}
$('run-picker').onchange = (e) => {
  const next = new URLSearchParams(location.search);
  if (e.target.value) next.set('run', e.target.value); else next.delete('run');
  location.search = next.toString();
};
refreshRuns();
setInterval(refreshRuns, 15000);

function toggleLibrary() {
  const panel = $('library');
  panel.classList.toggle('hidden');
  if (!panel.classList.contains('hidden')) refreshLibrary();
}

$('library-toggle').onclick = toggleLibrary;
$('library-close').onclick = toggleLibrary;
$('library-live').onclick = () => openLatest();
// the first page refreshes itself; once the user paged on, the list stays as it is
setInterval(() => { if (!$('library').classList.contains('hidden') && pagesShown <= 1) refreshLibrary(); }, 5000);


  return { openArchived, openLatest, toggleLibrary };
}

/** @param {any} run */
export function runNameOf(run) {
  return run ? run.name || run.run_dir || '' : '';
}
