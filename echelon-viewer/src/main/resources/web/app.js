// DOM wiring: connects the stream, the replay model, the scene and the controls.
import * as THREE from 'three';
import { Replay } from './replay.js';
import { EventStream } from './stream.js';
import { Scene } from './scene.js';
import { MechLayer } from './mechs.js';
import { Effects } from './effects.js';
import { Hud } from './hud.js';
import { NavOverlay } from './nav.js';
import { initPanels, runNameOf } from './panels.js';
import { initRunPlot } from './runplot.js';
import { initEventLog } from './eventlog.js';
import { RESULT_MS, keepUp, showResult, watchedToEnd } from './followlive.js';
import { Timeline } from './timeline.js';
import { EntityPanel } from './entities.js';
import { VOXELS, UNKNOWN } from './scene.js';
import { $ } from './dom.js';


const scene = new Scene($('canvas-host'));
const mechs = new MechLayer(scene.scene);
const effects = new Effects(scene.scene);
const hud = new Hud();
const nav = new NavOverlay(scene.scene);

const state = {
  /** @type {?Replay} the replay on screen */
  replay: null,
  /** @type {?Replay} a newer replay waiting while the user looks at an older one */
  pending: null,
  connection: 'connecting',
  playing: true,
  speed: 1,
  time: 0, // seconds since the replay's first frame
  lastFrame: -1, // last frame whose events were shown
  selected: /** @type {?string} */ (null),
  followLive: true,
  navShown: false,
  replaysSeen: 0,
  follow: false, // the camera follows the selected mech
  labels: true,
  frameOnFirst: false, // frame both teams once the first frame arrives
  pathShown: false,
  pathAt: 0, // when the path was last recomputed (ms)
  screenshots: 0,
  /** @type {?string} a linked replay being opened, or not found: live replays wait behind it */
  linked: null,
  /** @type {number} when following live: the time (ms, rAF clock) the result card gives way to the next match */
  resultUntil: 0,
  /** @type {?Replay} the replay whose end the result card was decided for */
  resultFor: null,
};

const timeline = new Timeline($('markers'), (frame) => { setPlaying(false); userTookControl(); seekFrame(frame); },
  $('ticks'));
const entities = new EntityPanel((id) => select(id));

function setConnection(status, detail) {
  state.connection = status;
  const el = $('conn');
  el.className = 'conn ' + status;
  el.textContent = status === 'disconnected' ? `disconnected · ${detail || ''}` : status;
}

/** @param {Replay} r */
function show(r) {
  if (state.replay && state.replay !== r) {
    effects.clear();
    mechs.clear();
  }
  state.replay = r;
  state.pending = null;
  state.linked = null;
  state.resultUntil = 0;
  state.resultFor = null;
  $('result').classList.add('hidden');
  $('missing').classList.add('hidden');
  state.time = 0;
  state.lastFrame = -1;
  state.selected = null;
  state.follow = false;
  state.pathShown = false;
  mechs.setSelected(null);
  state.playing = true;
  $('notice').classList.add('hidden');
  $('empty').classList.add('hidden');
  hud.clearFeed();
  hud.inspect(null, null);
  hud.score(null);
  timeline.update(r);
  state.frameOnFirst = scene.setWorld(r.world || {});
  nav.setWorld(r.worldRef, (r.world && r.world.voxel_size_m) || 5);
  state.navShown = false;
  $('nav-toggle').classList.remove('active');
  describe(r);
  hud.progress(r);
}

/** @param {Replay} r */
function describe(r) {
  const run = r.run || {};
  const parts = [`replay ${r.id}`];
  const runName = run.name || run.run_dir;
  if (runName) parts.push(`run ${runName}`);
  if (run.update != null) parts.push(`update ${run.update}`);
  if (run.global_step != null) parts.push(`step ${run.global_step}`);
  if (run.eval && run.eval.win_rate != null) parts.push(`eval win ${(100 * run.eval.win_rate).toFixed(0)}%`);
  for (const [k, v] of Object.entries(r.meta || {})) if (typeof v !== 'object') parts.push(`${k} ${v}`);
  $('replay-info').textContent = parts.join(' · ');
}

// ?run=NAME in the page URL subscribes to one training run; the picker rewrites it
const params = new URLSearchParams(location.search);
const runFilter = params.get('run') || '';
const stream = new EventStream(runFilter ? `/events?run=${encodeURIComponent(runFilter)}` : '/events', {
  onStatus: setConnection,
  onStart(data) {
    for (const known of [state.replay, state.pending]) if (known && known.id === data.replay_id) return; // a catch-up repeat
    const r = new Replay(data);
    state.replaysSeen++;
    const resultUp = state.resultFor === state.replay && performance.now() < state.resultUntil;
    if ((!state.replay && !state.linked) || (state.followLive && watchedToEnd(state.replay, state.time) && !resultUp)) {
      show(r);
    } else {
      state.pending = r; // following live, it comes once this match has been played to its end
      $('notice-text').textContent = state.followLive ? 'next match started: it plays after this one' : 'new replay started';
      $('notice').classList.remove('hidden');
    }
  },
  onChunk(data, bytes) {
    for (const r of [state.replay, state.pending]) {
      if (r && r.id === data.replay_id) {
        r.addChunk(data.chunk_index, data.frames, bytes);
        if (r === state.replay) hud.progress(r);
      }
    }
  },
  onEnd(data) {
    for (const r of [state.replay, state.pending]) {
      if (r && r.id === data.replay_id) {
        r.end();
        if (r === state.replay) hud.progress(r);
      }
    }
  },
  onResync() {
    // the server's history no longer covers what we missed: fill in from the archive
    if (state.followLive) openLatest();
    else if (state.replay) openArchived(state.replay.id, false);
  },
});

const panels = initPanels({ state, show, progress: (r) => hud.progress(r), runFilter });
const { openArchived, openLatest, toggleLibrary } = panels;
initRunPlot({ open: (id) => openArchived(id, false), run: () => runFilter || (state.replay ? runNameOf(state.replay.run) : '') });
initEventLog({ replay: () => state.replay, seek: (i) => { setPlaying(false); userTookControl(); seekFrame(i); } });

// --- playback -------------------------------------------------------------------------------

function seekFrame(index) {
  const r = state.replay;
  if (!r || !r.frames.length) return;
  const i = Math.max(0, Math.min(r.frames.length - 1, index));
  state.time = r.frames[i].t - r.frames[0].t;
  state.lastFrame = i - 1; // show this frame's events, not everything skipped
  effects.clear();
}

function userTookControl() {
  // scrubbing, pausing, selecting or asking for a path: do not yank the user to the next replay
  if (state.replay && state.followLive) {
    state.followLive = false;
    $('follow').checked = false;
  }
  syncUrl();
}

/**
 * Selects a mech (or none): ring, inspector, plots, list; a selection counts as taking control.
 * @param {?string} id
 */
function select(id) {
  state.selected = id;
  mechs.setSelected(id);
  nav.hidePath();
  state.pathShown = false;
  if (!id) setFollow(false);
  hud.inspect(id, currentFrame());
  if (id) userTookControl(); else syncUrl();
  entities.plot(state.replay, id, currentIndex());
}

/** @param {boolean} on */
function setFollow(on) {
  state.follow = on && Boolean(state.selected);
  $('inspect-follow').classList.toggle('active', state.follow);
}

/** Moves the new-replay notice to the top when it would cover the selected mech, and back. */
function keepNoticeOffSelection() {
  const notice = $('notice');
  if (notice.classList.contains('hidden') || !state.selected) return;
  const p = mechs.position(state.selected);
  const s = p && project([p.x, p.y, p.z]);
  if (!s) return;
  const canvas = scene.renderer.domElement.getBoundingClientRect();
  const x = s.x + canvas.left, y = s.y + canvas.top;
  const n = notice.getBoundingClientRect();
  const margin = 24; // the mech's body and bars around its centre
  if (x > n.left - margin && x < n.right + margin && y > n.top - margin && y < n.bottom + margin) {
    notice.classList.toggle('high');
  }
}

/** Keeps the URL naming what is on screen (replay, time, mech), so it can be shared or reloaded. */
function syncUrl() {
  if (state.linked) return; // the link stays as given until something else is shown
  const next = new URLSearchParams(location.search);
  if (state.replay && !state.followLive) {
    next.set('replay', state.replay.id);
    next.set('t', state.time.toFixed(1));
    if (state.selected) next.set('mech', state.selected); else next.delete('mech');
  } else {
    for (const k of ['replay', 't', 'mech']) next.delete(k);
  }
  const q = next.toString();
  if (q !== location.search.replace(/^\?/, '')) history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

function screenshot() {
  const r = state.replay;
  scene.render();
  scene.renderer.domElement.toBlob((blob) => {
    if (!blob) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `echelon-${r ? r.id : 'view'}-${state.time.toFixed(1)}s.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    state.screenshots++;
  }, 'image/png');
}

function toggleHelp(show) {
  $('help').classList.toggle('hidden', show === undefined ? undefined : !show);
}

function jumpToEvent(dir) {
  const i = currentIndex();
  if (i < 0) return;
  const f = dir > 0 ? timeline.next(i) : timeline.previous(i);
  if (f < 0) return;
  setPlaying(false);
  userTookControl();
  seekFrame(f);
}

// the legend: every voxel colour, then rings and effects
$('legend').replaceChildren(...[
  ...Object.values(VOXELS).map((v) => [v.color, v.name]), [UNKNOWN.color, 'unknown voxel type'],
  [0xfacc15, 'capture zone ring'], [0xf8fafc, 'selected mech ring'], [0x3b82f6, 'blue team'], [0xef4444, 'red team'],
  [0x3f3f46, 'destroyed mech'], [0x22c55e, 'HP bar'], [0xf97316, 'heat bar'], [0x22d3ee, 'path to zone'],
  [0x34d399, 'navigation graph'], [0xff9a3c, 'explosion'], [0xe5e7eb, 'missile'], [0x9ca3af, 'smoke'],
].map(([color, name]) => {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.style.background = '#' + color.toString(16).padStart(6, '0');
  li.append(sw, String(name));
  return li;
}));

function setPlaying(p) {
  state.playing = p;
  $('play').textContent = p ? '❚❚' : '▶';
}

$('play').onclick = () => { setPlaying(!state.playing); if (!state.playing) userTookControl(); };
$('step-back').onclick = () => { setPlaying(false); userTookControl(); seekFrame(currentIndex() - 1); };
$('step-fwd').onclick = () => { setPlaying(false); userTookControl(); seekFrame(currentIndex() + 1); };
$('scrub').oninput = (e) => { userTookControl(); seekFrame(Number(e.target.value)); };
$('speed').onchange = (e) => { state.speed = Number(e.target.value); };
$('follow').onchange = (e) => {
  state.followLive = e.target.checked;
  if (state.followLive && state.pending) show(state.pending);
};
$('missing-live').onclick = () => {
  state.linked = null;
  $('missing').classList.add('hidden');
  state.followLive = true;
  $('follow').checked = true;
  if (state.pending) show(state.pending); else openLatest();
  syncUrl();
};
$('missing-library').onclick = () => toggleLibrary();
$('notice-jump').onclick = () => {
  state.followLive = true;
  $('follow').checked = true;
  if (state.pending) show(state.pending);
};
$('inspect-close').onclick = () => select(null);
$('inspect-follow').onclick = () => setFollow(!state.follow);
$('help-toggle').onclick = () => toggleHelp();
$('help-close').onclick = () => toggleHelp(false);
$('nav-toggle').onclick = () => toggleNav();
$('inspect-path').onclick = () => pathToZone();

function changeSpeed(dir) {
  const sel = $('speed');
  sel.selectedIndex = Math.max(0, Math.min(sel.options.length - 1, sel.selectedIndex + dir));
  state.speed = Number(sel.value);
}

window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
  if (e.code === 'Space') { e.preventDefault(); $('play').click(); }
  else if (e.key === 'ArrowLeft') { e.preventDefault(); $('step-back').click(); }
  else if (e.key === 'ArrowRight') { e.preventDefault(); $('step-fwd').click(); }
  else if (e.key === '[') changeSpeed(-1);
  else if (e.key === ']') changeSpeed(1);
  else if (e.key === 'n') toggleNav();
  else if (e.key === 'l') toggleLibrary();
  else if (e.key === ',') jumpToEvent(-1);
  else if (e.key === '.') jumpToEvent(1);
  else if (e.key === 'r') { setFollow(false); scene.resetView(mechPoints()); }
  else if (e.key === 'v') { setFollow(false); scene.topView(); }
  else if (e.key === 'f') setFollow(!state.follow);
  else if (e.key === 't') { state.labels = !state.labels; mechs.showLabels(state.labels); }
  else if (e.key === 'e') entities.toggle();
  else if (e.key === 's') screenshot();
  else if (e.key === '?') toggleHelp();
  else if (e.key === 'Escape') { if (!$('help').classList.contains('hidden')) toggleHelp(false); else select(null); }
});

/** Positions of the mechs in the current frame (voxels), for framing. */
function mechPoints() {
  const f = currentFrame();
  return f && f.mechs ? Object.values(f.mechs).filter((m) => Array.isArray(m.pos)).map((m) => m.pos) : [];
}

async function toggleNav() {
  state.navShown = !state.navShown;
  $('nav-toggle').classList.toggle('active', state.navShown);
  if (!state.navShown) { nav.hideGraph(); return; }
  try {
    await nav.showGraph();
  } catch (err) {
    state.navShown = false;
    $('nav-toggle').classList.remove('active');
    $('replay-info').textContent = 'nav: ' + err.message;
  }
}

async function pathToZone() {
  const frame = currentFrame();
  const m = frame && state.selected && frame.mechs ? frame.mechs[state.selected] : null;
  const zone = frame && frame.objective && frame.objective.zone_center;
  if (!m || !zone) return;
  userTookControl();
  state.pathShown = true;
  state.pathAt = performance.now();
  try {
    await nav.showPath(m.pos, [zone[0], zone[1], m.pos[2]]);
  } catch (err) {
    state.pathShown = false;
    $('replay-info').textContent = 'path: ' + err.message;
  }
}

// picking: click a mech to inspect it (a drag that orbits the camera is not a click)
const ndc = new THREE.Vector2();
let down = { x: 0, y: 0 };
scene.renderer.domElement.addEventListener('pointerdown', (e) => { down = { x: e.clientX, y: e.clientY }; });
scene.renderer.domElement.addEventListener('click', (e) => {
  if (Math.hypot(e.clientX - down.x, e.clientY - down.y) > 5) return;
  const rect = scene.renderer.domElement.getBoundingClientRect();
  ndc.set(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
  const id = mechs.pick(ndc, scene.camera);
  if (id) select(id);
});

function currentIndex() {
  const r = state.replay;
  return r && r.frames.length ? r.indexAt(r.frames[0].t + state.time) : -1;
}

function currentFrame() {
  const i = currentIndex();
  return i >= 0 ? state.replay.frames[i] : null;
}

const v = new THREE.Vector3();
/** @param {number[]} p voxel position → pixel position in the stage */
function project(p) {
  v.set(p[0], p[1], p[2]).project(scene.camera);
  if (v.z > 1) return null;
  const el = scene.renderer.domElement;
  return { x: (v.x * 0.5 + 0.5) * el.clientWidth, y: (-v.y * 0.5 + 0.5) * el.clientHeight };
}

let last = performance.now();
let inspectTick = 0;
function tick(now) {
  scene.adapt(now - last);
  const dt = Math.min(0.25, (now - last) / 1000);
  last = now;
  const r = state.replay;
  if (r && !r.frames.length) {
    hud.score(null);
    $('time').textContent = '0.0 s / 0.0 s';
  }
  if (r && r.frames.length) {
    timeline.update(r);
    if (state.frameOnFirst) {
      state.frameOnFirst = false;
      scene.resetView(Object.values(r.frames[0].mechs || {}).filter((m) => Array.isArray(m.pos)).map((m) => m.pos));
    }
    const duration = r.duration();
    let rate = state.speed;
    if (state.followLive && state.playing) { // keep up with the stream rather than drift behind it
      const keep = keepUp(r, state.time, state.speed, Boolean(state.pending));
      rate = keep.rate;
      if (keep.time !== state.time) {
        state.time = keep.time; // the past stays a scrub away
        state.lastFrame = r.indexAt(r.frames[0].t + state.time) - 1;
        effects.clear();
      }
    }
    if (state.playing) state.time = Math.min(duration, state.time + dt * rate);
    const atEnd = r.complete && state.time >= duration - 0.05;
    if (atEnd && state.resultFor !== r) {
      state.resultFor = r;
      if (showResult(r) && state.followLive) state.resultUntil = now + RESULT_MS;
    } else if (!atEnd && state.resultFor === r) {
      state.resultFor = null; // scrubbed back into the match
      $('result').classList.add('hidden');
      state.resultUntil = 0;
    }
    if (atEnd && state.followLive && state.pending && now >= state.resultUntil) show(state.pending);
    const i = currentIndex();
    const a = r.frames[i];
    const b = r.frames[Math.min(i + 1, r.frames.length - 1)];
    const span = b.t - a.t;
    const alpha = span > 0 ? Math.max(0, Math.min(1, (r.frames[0].t + state.time - a.t) / span)) : 0;
    mechs.update(a, b, alpha, scene.camera);
    if (i > state.lastFrame) {
      for (let k = Math.max(state.lastFrame + 1, i - 2); k <= i; k++) {
        effects.spawn(r.frames[k].events, r.frames[k], now);
        hud.events(r.frames[k].events, r.frames[k], project);
      }
      state.lastFrame = i;
    } else if (i < state.lastFrame) {
      state.lastFrame = i;
    }
    effects.smoke(a.smoke_clouds);
    hud.score(a.objective);
    if (++inspectTick % 10 === 0) {
      keepNoticeOffSelection();
      entities.update(a, state.selected);
      if (state.selected) {
        hud.inspect(state.selected, a);
        entities.plot(r, state.selected, i);
      }
    }
    if (state.follow && state.selected) {
      const p = mechs.position(state.selected);
      if (p) scene.follow(p);
    }
    // the path to the zone follows the mech while it plays, re-planned at most every 2 s
    if (state.pathShown && state.playing && now - state.pathAt > 2000) pathToZone();
    const scrub = $('scrub');
    scrub.max = String(r.frames.length - 1);
    if (document.activeElement !== scrub) scrub.value = String(i);
    $('time').textContent = `${state.time.toFixed(1)} s / ${duration.toFixed(1)} s`;
  }
  effects.update(now);
  scene.render();
  requestAnimationFrame(tick);
}
setPlaying(true);
requestAnimationFrame(tick);
// a replay's progress text ages (stalled trainers) and the URL keeps the time, once a second
setInterval(() => {
  if (state.replay && !state.replay.complete) hud.progress(state.replay);
  if (state.replay && !state.followLive) syncUrl();
}, 1000);

// deep links: ?replay=ID[&t=SECONDS][&mech=ID] opens that replay there, paused
const wanted = params.get('replay');
if (wanted) {
  state.linked = wanted;
  state.followLive = false;
  $('follow').checked = false;
  openArchived(wanted, false).then((failed) => {
    if (failed && state.linked === wanted) {
      $('missing-text').textContent = failed.status === 404
        ? `Replay ${wanted} is not in the archive: it may have been removed by retention, or the link is mistyped.`
        : `Replay ${wanted} could not be opened: ${failed.message}`;
      $('missing').classList.remove('hidden');
      $('empty').classList.add('hidden');
      return;
    }
    const r = state.replay;
    if (!r || r.id !== wanted) return;
    const t = Number(params.get('t'));
    if (Number.isFinite(t) && t > 0 && r.frames.length) {
      setPlaying(false);
      seekFrame(r.indexAt(r.frames[0].t + t));
    }
    const mech = params.get('mech');
    if (mech) select(mech);
  });
}

// For tests and the curious: a read-only window on the viewer's state.
/** @type {any} */ (window).echelon = {
  state: () => ({
    connection: state.connection,
    replayId: state.replay ? state.replay.id : null,
    pendingId: state.pending ? state.pending.id : null,
    frames: state.replay ? state.replay.frames.length : 0,
    complete: state.replay ? state.replay.complete : false,
    time: state.time,
    playing: state.playing,
    selected: state.selected,
    navShown: state.navShown,
    navLines: nav.graph ? nav.graph.geometry.getAttribute('position').count / 2 : 0,
    pathPoints: nav.path ? nav.path.userData.points : 0,
    replaysSeen: state.replaysSeen,
    follow: state.follow,
    labels: state.labels,
    followLive: state.followLive,
    markers: timeline.markers.length,
    helpShown: !$('help').classList.contains('hidden'),
    intake: stream.intake,
    world: scene.worldStats,
    pixelRatio: scene.renderer.getPixelRatio(),
    softwareGl: scene.softwareGl,
    drawCalls: scene.renderer.info.render.calls,
    screenshots: state.screenshots,
    url: location.search,
    camera: scene.camera.position.toArray().map((c) => Math.round(c * 100) / 100),
    notice: !$('notice').classList.contains('hidden'),
    missing: $('missing').classList.contains('hidden') ? null : $('missing-text').textContent,
    plot: entities.shown,
    result: $('result').classList.contains('hidden') ? null
      : `${$('result-title').textContent}\n${$('result-detail').textContent}`,
    run: state.replay && state.replay.run ? runNameOf(state.replay.run) : null,
    info: $('replay-info').textContent,
  }),
  info: () => ({ ...scene.renderer.info.memory, calls: scene.renderer.info.render.calls }),
  /** Screen position of a mech, for clicking it in tests. */
  mechScreen: (id) => {
    const p = mechs.position(id);
    if (!p) return null;
    const rect = scene.renderer.domElement.getBoundingClientRect();
    const s = project([p.x, p.y, p.z]);
    return s ? { x: s.x + rect.left, y: s.y + rect.top } : null;
  },
  mechIds: () => [...mechs.mechs.keys()],
  stream,
};
