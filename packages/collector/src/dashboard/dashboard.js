// The Waymark dashboard: plain DOM code over the collector's JSON API and its live
// progress stream. Every API call passes on the `?key=` the page was opened with.
'use strict';

const REFRESH_MS = 10_000;
const SERVICES_REFRESH_MS = 60_000;
const FEED_MAX = 100;
/** The common journey steps in their order (seed 000 §3). */
const COMMON_STEPS = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'FORM_SUBMITTED', 'REVIEWED', 'COMPLETED'];
/** The photo kiosk's stages (seed 002), carried in a progress event's meta.subType. */
const KIOSK_STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'];
const SEVERITIES = ['fatal', 'error', 'warning', 'info'];
const CATEGORIES = ['hardware', 'software', 'network'];
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const KEY = new URLSearchParams(location.search).get('key');
const NO_SERVICE = 'No service has sent progress events yet.';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- formatting

const integer = new Intl.NumberFormat('en-US');
const fmt = {
  count: (n) => (n == null ? '–' : integer.format(n)),
  pct(x) {
    if (x == null || !Number.isFinite(x)) return '–';
    const p = x * 100;
    const digits = p === 0 || p >= 10 ? 0 : p >= 1 ? 1 : 2;
    return `${p.toFixed(digits)} %`;
  },
  ms(ms) {
    if (ms == null || !Number.isFinite(ms)) return '–';
    if (ms < 1_000) return `${Math.round(ms)} ms`;
    if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
    if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
    if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
    return `${(ms / 86_400_000).toFixed(1)} d`;
  },
  /** A window or period: "1 hour", "24 hours", "7 days". */
  span(ms) {
    const whole = (unit, n, name) => (ms % unit === 0 ? `${n} ${name}${n === 1 ? '' : 's'}` : null);
    return whole(86_400_000, ms / 86_400_000, 'day') ?? whole(3_600_000, ms / 3_600_000, 'hour') ?? whole(60_000, ms / 60_000, 'minute') ?? fmt.ms(ms);
  },
  /** A duration in at most four characters, for heatmap cells: 850ms, 42s, 4.8m, 1.2h. */
  shortMs(ms) {
    if (ms == null) return '';
    if (ms < 1_000) return `${Math.round(ms)}ms`;
    if (ms < 60_000) return `${Math.round(ms / 1_000)}s`;
    if (ms < 3_600_000) return `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)}m`;
    return `${(ms / 3_600_000).toFixed(1)}h`;
  },
  /** Local time: 14:03:27 today, "Dec 1 22:53" another day of this year, "2025-11-30" before. */
  time(ts) {
    if (ts == null) return '–';
    const d = new Date(ts);
    const now = new Date();
    if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString('en-GB', { hour12: false });
    if (d.getFullYear() === now.getFullYear()) {
      return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false })}`;
    }
    return d.toLocaleDateString('en-CA');
  },
  money: (n, currency) => {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);
    } catch {
      return `${integer.format(n)} ${currency}`;
    }
  },
};

// ---------------------------------------------------------------- DOM helpers

/** Builds an element: `h('td', { class: 'num', dataset: { x: 1 } }, 'text', child)`. Text is always text, never HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k === 'style') for (const [sk, sv] of Object.entries(v)) el.style.setProperty(sk, sv);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A table; a column whose first cell is numeric gets a right-aligned heading too. */
function table(head, rows, attrs) {
  const first = rows.find((r) => r.children.length === head.length);
  const th = (c, i) => (c instanceof Node ? c : h('th', { scope: 'col', class: first?.children[i]?.classList.contains('num') ? 'num' : null }, c));
  return h('table', attrs, h('thead', null, h('tr', null, head.map(th))), h('tbody', null, rows));
}

const statusPill = (status) => h('span', { class: `pill status-${String(status).toLowerCase()}` }, status);

/** A panel's note line: hidden when null; `kind` styles it (unavailable, error, empty). */
function note(panel, kind, text) {
  const p = panel.querySelector('.note');
  if (!p) return;
  p.hidden = text == null;
  p.className = `note ${kind ?? ''}`;
  p.textContent = text ?? '';
  if (kind === 'unavailable') p.dataset.testid = 'unavailable';
  else delete p.dataset.testid;
}

// ---------------------------------------------------------------- API

/** A failed API call: `unavailable` when this collector has no such route. */
class ApiError extends Error {
  constructor(path, status, body) {
    super(body?.error?.message ?? `GET ${path} answered ${status}`);
    this.status = status;
    this.unavailable = status === 404 && (body?.error?.message ?? '').startsWith('no route');
    this.path = path;
  }
}

function apiUrl(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
  if (KEY) q.set('key', KEY);
  const s = q.toString();
  return `api/${path}${s ? `?${s}` : ''}`;
}

async function api(path, params) {
  const res = await fetch(apiUrl(path, params), { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(`/api/${path}`, res.status, body);
  return body;
}

/**
 * Runs one panel's load: clears its note on success, says "not available" when the
 * collector does not serve the route, and shows any other failure without breaking
 * the rest of the page.
 */
async function runPanel(panelId, load) {
  const panel = $(panelId);
  try {
    await load(panel);
    panel.classList.remove('is-unavailable');
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.unavailable) {
      panel.classList.add('is-unavailable');
      note(panel, 'unavailable', `Not available: this collector does not serve ${error.path}.`);
    } else {
      note(panel, 'error', `Could not load: ${error.message}`);
    }
    return false;
  }
}

// ---------------------------------------------------------------- state

const state = {
  services: [],
  service: '',
  /** Range length in ms; '' for all time. */
  range: '604800000',
  /** Per service: { steps, stepField } chosen by hand. */
  custom: {},
  window: '86400000',
  heatBy: 'median',
  dailyGroup: 'day',
  funnel: null,
  /** For a meta.subType funnel: stage → [{ status, reason, count }]. */
  stageReasons: null,
  bottlenecks: null,
};

const rangeFrom = () => (state.range ? Date.now() - Number(state.range) : undefined);

/** The selection lives in the URL fragment, so a reload or a shared link shows the same view. */
function saveHash() {
  const q = new URLSearchParams({ service: state.service, range: state.range || 'all', window: state.window, heat: state.heatBy, daily: state.dailyGroup });
  const c = state.custom[state.service];
  if (c) {
    q.set('steps', c.steps.join(','));
    q.set('stepField', c.stepField);
  }
  history.replaceState(null, '', `${location.pathname}${location.search}#${q}`);
}

function loadHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (q.get('service')) state.service = q.get('service');
  if (q.get('range')) state.range = q.get('range') === 'all' ? '' : q.get('range');
  if (q.get('window')) state.window = q.get('window');
  if (q.get('heat')) state.heatBy = q.get('heat');
  if (q.get('daily')) state.dailyGroup = q.get('daily');
  if (q.get('steps') && state.service) {
    state.custom[state.service] = { steps: q.get('steps').split(',').filter(Boolean), stepField: q.get('stepField') === 'meta.subType' ? 'meta.subType' : 'step' };
  }
}

/**
 * The default funnel of a service: the kiosk's stages from meta.subType when its events
 * carry them; else the common steps (seed 000 order) that occur in its data; else its
 * steps by event count, most first.
 */
function defaultFunnel(summary) {
  if (!summary) return { steps: COMMON_STEPS, stepField: 'step' };
  const subTypes = new Set(summary.subTypes.map((s) => s.subType));
  const stages = KIOSK_STAGES.filter((s) => subTypes.has(s));
  if (summary.service === 'PHOTO_KIOSK' || stages.length >= 2) {
    if (stages.length > 0) return { steps: stages, stepField: 'meta.subType' };
  }
  const steps = new Set(summary.steps.map((s) => s.step));
  const common = COMMON_STEPS.filter((s) => steps.has(s));
  if (common.length > 0) return { steps: common, stepField: 'step' };
  return { steps: summary.steps.slice(0, 8).map((s) => s.step), stepField: 'step' };
}

const currentSummary = () => state.services.find((s) => s.service === state.service);
const currentFunnel = () => state.custom[state.service] ?? defaultFunnel(currentSummary());

// ---------------------------------------------------------------- services

async function loadServices() {
  const answer = await api('services');
  state.services = answer.items;
  const select = $('service');
  if (!state.service || !state.services.some((s) => s.service === state.service)) {
    state.service = state.services[0]?.service ?? state.service;
  }
  const options = state.services.map((s) =>
    h('option', { value: s.service, selected: s.service === state.service }, `${s.service} · ${fmt.count(s.events)} events · last ${fmt.time(s.lastTimestamp)}`),
  );
  if (state.service && !state.services.some((s) => s.service === state.service)) options.push(h('option', { value: state.service, selected: true }, state.service));
  if (options.length === 0) options.push(h('option', { value: '' }, 'no progress events yet'));
  select.replaceChildren(...options);
}

// ---------------------------------------------------------------- funnel

function fillFunnelForm() {
  const f = currentFunnel();
  $('steps').value = f.steps.join(', ');
  $('step-field').value = f.stepField;
  $('window').value = state.window;
}

async function loadFunnel(panel) {
  const body = $('funnel');
  if (!state.service) {
    note(panel, 'empty', NO_SERVICE);
    body.replaceChildren();
    return;
  }
  const f = currentFunnel();
  const [answer, stageReasons] = await Promise.all([
    api('funnel', { service: state.service, steps: f.steps.join(','), stepField: f.stepField, window: state.window, from: rangeFrom() }),
    f.stepField === 'meta.subType' ? loadStageReasons() : null,
  ]);
  state.funnel = answer;
  state.stageReasons = stageReasons;
  renderFunnel();
  const started = answer.funnel[0]?.traces ?? 0;
  note(panel, started === 0 ? 'empty' : null, started === 0 ? `No journey of ${state.service} reached ${f.steps[0]} in this range.` : null);
}

/**
 * Bad endings per stage when the funnel reads stages from meta.subType (the bottleneck
 * report counts by step): the latest 1,000 FAIL, CANCEL and DROPPED events of the
 * service, counted by stage and reason.
 */
async function loadStageReasons() {
  const lists = await Promise.all(['FAIL', 'CANCEL', 'DROPPED'].map((status) => api('progress', { service: state.service, status, limit: 1000, from: rangeFrom() })));
  const counts = new Map();
  for (const e of lists.flatMap((l) => l.items)) {
    const stage = e.meta?.subType;
    if (typeof stage !== 'string') continue;
    const key = JSON.stringify([stage, e.status, e.reason ?? null]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const byStage = new Map();
  for (const [key, count] of counts) {
    const [stage, status, reason] = JSON.parse(key);
    if (!byStage.has(stage)) byStage.set(stage, []);
    byStage.get(stage).push({ status, reason, count });
  }
  return byStage;
}

/** Top bad endings of a step: per stage for a meta.subType funnel, else from the bottleneck report when it has the step. */
function reasonsOf(step) {
  if (state.funnel?.stepField === 'meta.subType') {
    if (!state.stageReasons) return null;
    return (state.stageReasons.get(step) ?? []).sort((a, b) => b.count - a.count).slice(0, 3);
  }
  const s = state.bottlenecks?.steps.find((b) => b.step === step);
  if (!s) return null;
  const all = ['FAIL', 'CANCEL', 'DROPPED'].flatMap((status) => s.reasons[status].map((r) => ({ status, ...r })));
  return all.sort((a, b) => b.count - a.count).slice(0, 3);
}

function renderFunnel() {
  const answer = state.funnel;
  if (!answer) return;
  const first = answer.funnel[0]?.traces ?? 0;
  const rows = answer.funnel.map((s, i) => {
    const reasons = reasonsOf(s.step);
    return h(
      'tr',
      {
        'data-testid': 'funnel-step',
        dataset: { step: s.step, traces: s.traces, conversionFromFirst: s.conversionFromFirst, conversionFromPrevious: s.conversionFromPrevious, dropOff: s.dropOff },
      },
      h('th', { scope: 'row' }, h('span', { class: 'ordinal' }, `${i + 1}`), s.step),
      h('td', { class: 'barcell' }, h('span', { class: 'bar', style: { width: `${first ? (100 * s.traces) / first : 0}%` } })),
      h('td', { class: 'num', 'data-testid': 'funnel-traces' }, fmt.count(s.traces)),
      h('td', { class: 'num', 'data-testid': 'funnel-conversion' }, fmt.pct(s.conversionFromFirst)),
      h('td', { class: 'num' }, i === 0 ? '' : fmt.pct(s.conversionFromPrevious)),
      h('td', { class: `num ${s.dropOff > 0 ? 'bad' : ''}`, 'data-testid': 'funnel-dropoff' }, i === 0 ? '' : fmt.count(s.dropOff)),
      h('td', { class: 'num' }, i === 0 ? '' : fmt.ms(s.medianMsFromPrevious), i === 0 ? '' : h('span', { class: 'sub' }, `p95 ${fmt.ms(s.p95MsFromPrevious)}`)),
      h(
        'td',
        { class: 'reasons' },
        reasons == null ? h('span', { class: 'muted' }, '–') : reasons.length === 0 ? h('span', { class: 'muted' }, 'none') : reasons.map((r) => h('span', { class: `reason status-${r.status.toLowerCase()}`, title: r.status }, `${r.reason ?? '(no reason)'} ${fmt.count(r.count)}`)),
      ),
    );
  });
  $('funnel').replaceChildren(
    table(['Step', '', 'Traces', 'Of first', 'Of previous', 'Drop-off', 'Time from previous', 'Top FAIL / CANCEL / DROPPED'], rows, { class: 'funnel-table' }),
    h(
      'p',
      { class: 'caption' },
      `${answer.stepField === 'meta.subType' ? 'Stages read from meta.subType' : 'Steps'}; a journey counts at a step when it got there within ${fmt.span(answer.windowMs)} of its first step. Drop-off: reached the step before, not this one.`,
    ),
  );
  renderKpis();
}

// ---------------------------------------------------------------- at a glance

function renderKpis() {
  const f = state.funnel?.funnel ?? [];
  const started = f[0]?.traces ?? null;
  const done = f.at(-1)?.traces ?? null;
  const b = state.bottlenecks;
  const dropped = b ? b.steps.reduce((n, s) => n + s.dropped, 0) : null;
  const worst = b?.steps.filter((s) => s.samples > 0).sort((x, y) => y.p50MsToNext - x.p50MsToNext)[0];
  const steps = state.funnel?.steps ?? [];
  const tiles = [
    ['Journeys started', fmt.count(started), 'kpi-started', steps[0] ?? ''],
    ['Reached the last step', fmt.count(done), 'kpi-done', steps.length > 1 ? steps.at(-1) : ''],
    ['Conversion', fmt.pct(started ? done / started : null), 'kpi-conversion', steps.length > 1 ? 'first to last step' : ''],
    ['Ended badly', b ? fmt.count(dropped) : '–', 'kpi-dropped', b ? `${fmt.pct(b.traces ? dropped / b.traces : null)} of ${fmt.count(b.traces)} journeys` : ''],
    ['Slowest step', worst ? fmt.ms(worst.p50MsToNext) : '–', 'kpi-slowest', worst ? `median at ${worst.step}` : ''],
    ['Live events / min', $('live-rate').textContent, 'kpi-rate', state.service],
  ];
  $('kpis').replaceChildren(
    ...tiles.map(([label, value, id, detail]) => h('div', { class: 'tile' }, h('dt', null, label), h('dd', { 'data-testid': id }, value), h('dd', { class: 'detail', title: detail }, detail))),
  );
}

// ---------------------------------------------------------------- bottlenecks

async function loadBottlenecks(panel) {
  if (!state.service) return note(panel, 'empty', NO_SERVICE);
  state.bottlenecks = await api('bottlenecks', { service: state.service, tz: TIME_ZONE, from: rangeFrom() });
  renderBottlenecks();
  renderFunnel();
  note(panel, state.bottlenecks.traces === 0 ? 'empty' : null, state.bottlenecks.traces === 0 ? 'No journeys in this range.' : null);
}

/** Cell colour from pale yellow (smallest value) to deep orange (largest), on a log scale for times. */
function heat(value, min, max, log) {
  if (value == null) return null;
  const f = log ? Math.log1p : (x) => x;
  const t = max > min ? (f(value) - f(min)) / (f(max) - f(min)) : 1;
  return `hsl(${Math.round(50 - 38 * t)} ${Math.round(85 + 10 * t)}% ${Math.round(90 - 36 * t)}%)`;
}

function renderBottlenecks() {
  const b = state.bottlenecks;
  if (!b) return;
  const rows = b.steps.map((s) =>
    h(
      'tr',
      { dataset: { step: s.step } },
      h('th', { scope: 'row' }, s.step),
      h('td', { class: 'num' }, fmt.count(s.traces)),
      h('td', { class: 'num' }, fmt.ms(s.p50MsToNext)),
      h('td', { class: 'num' }, fmt.ms(s.p95MsToNext)),
      h('td', { class: 'num' }, fmt.ms(s.p99MsToNext)),
      h('td', { class: `num ${s.dropRate >= 0.2 ? 'bad' : ''}` }, `${fmt.pct(s.dropRate)} (${fmt.count(s.dropped)})`),
    ),
  );
  const byCount = state.heatBy === 'count';
  const m = b.heatmap;
  const values = byCount ? m.events : m.medianMsToNext;
  const present = values.flat().filter((v) => v != null && v > 0);
  const min = Math.min(...present);
  const max = Math.max(...present);
  const grid = h(
    'table',
    { class: 'heat', 'data-testid': 'heatmap' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, `hour (${m.timeZone})`), m.hours.map((hr) => h('th', { scope: 'col' }, String(hr).padStart(2, '0'))))),
    h(
      'tbody',
      null,
      m.steps.map((step, r) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, step),
          m.hours.map((hr, c) => {
            const v = values[r][c];
            const n = m.events[r][c];
            const median = m.medianMsToNext[r][c];
            return h(
              'td',
              { title: `${step} at ${String(hr).padStart(2, '0')}:00 — ${fmt.count(n)} events, median to next step ${fmt.ms(median)}`, style: v == null || !n ? {} : { background: heat(v, min, max, !byCount) } },
              n ? (byCount ? fmt.count(v) : fmt.shortMs(median)) : '',
            );
          }),
        ),
      ),
    ),
  );
  $('bottlenecks').replaceChildren(
    table(['Step', 'Traces', 'p50 to next', 'p95 to next', 'p99 to next', 'Drop rate'], rows, { class: 'compact' }),
    h('div', { class: 'scroll-x' }, grid),
    h(
      'p',
      { class: 'caption' },
      byCount
        ? 'Step events per hour of day (darker is busier).'
        : 'Median time from a step to the journey’s next step, by the hour of day the step happened (darker is slower). Drop rate: journeys whose last step here ended in FAIL, CANCEL or DROPPED.',
    ),
  );
}

// ---------------------------------------------------------------- loss and lag

async function loadSlo(panel) {
  const { eventLoss: loss, ingestionLag: lag } = await api('slo');
  const hours = (w) => fmt.span(w.ms).replace(/^1 day$/, '24 hours').replace(/^1 hour$/, 'hour');
  $('slo').replaceChildren(
    sloTile('loss', 'Event loss', fmt.pct(loss.ratio), `target < ${fmt.pct(loss.target.below)}`, loss.met,
      loss.ratio == null ? `no UI events in the last ${hours(loss.window)}` : `${fmt.count(loss.missing)} of ${fmt.count(loss.expected)} missing · ${fmt.count(loss.sessions)} sessions · last ${hours(loss.window)}`),
    sloTile('lag-p50', 'Ingestion lag, median', fmt.ms(lag.p50Ms), `target < ${fmt.ms(lag.target.medianBelowMs)}`, lag.met,
      lag.p50Ms == null ? `no events in the last ${hours(lag.window)}` : `${fmt.count(lag.events)} events · last ${hours(lag.window)}`),
    sloTile('lag-p95', 'Ingestion lag, p95', fmt.ms(lag.p95Ms), 'no target', null, 'from the device’s event time to the collector’s receipt'),
  );
  note(panel, null, null);
}

/** One objective: its value, its target, green when met and red when not (grey without data or target). */
function sloTile(id, name, value, target, met, detail) {
  return h(
    'div',
    { class: `slo-tile ${met == null ? '' : met ? 'ok' : 'breach'}`, 'data-testid': `slo-${id}`, dataset: { met: met == null ? 'unknown' : String(met) } },
    h('span', { class: 'slo-name' }, name),
    h('strong', null, value),
    h('span', { class: 'slo-target' }, met == null ? target : `${met ? '✓ met' : '✗ missed'} · ${target}`),
    detail ? h('span', { class: 'slo-detail' }, detail) : '',
  );
}

// ---------------------------------------------------------------- journeys

/** The journey whose timeline is open, kept across refreshes. */
let openTrace = null;

async function loadTraces(panel) {
  if (!state.service) return note(panel, 'empty', NO_SERVICE);
  const answer = await api('traces', { service: state.service, limit: 12, from: rangeFrom() });
  const rows = [];
  for (const t of answer.items) {
    const open = t.traceId === openTrace;
    rows.push(
      h(
        'tr',
        { class: t.status === 'DROPPED' ? 'dropped' : '', dataset: { traceId: t.traceId } },
        h('td', null, h('button', { type: 'button', class: 'link mono', 'aria-expanded': String(open), title: 'Show the timeline', onclick: () => toggleTrace(t.traceId) }, t.traceId)),
        h('td', null, t.step),
        h('td', null, statusPill(t.status), t.reason ? h('span', { class: 'muted' }, ` ${t.reason}`) : ''),
        h('td', { class: 'num' }, fmt.count(t.eventCount)),
        h('td', { class: 'num' }, fmt.ms(t.lastTimestamp - t.firstTimestamp)),
        h('td', { class: 'num' }, fmt.time(t.lastTimestamp)),
      ),
    );
    if (open) rows.push(h('tr', { class: 'timeline-row' }, h('td', { colspan: 6 }, await timeline(t.traceId))));
  }
  $('traces').replaceChildren(table(['Trace', 'Step now', 'Status', 'Events', 'Elapsed', 'Last event'], rows, { class: 'compact' }));
  note(panel, rows.length ? null : 'empty', rows.length ? null : 'No journeys in this range.');
}

function toggleTrace(traceId) {
  openTrace = openTrace === traceId ? null : traceId;
  runPanel('traces-panel', loadTraces);
}

/** One journey's events in order, with the time spent before the next one. */
async function timeline(traceId) {
  const view = await api(`traces/${encodeURIComponent(traceId)}`);
  return h(
    'ol',
    { class: 'timeline' },
    view.timeline.map((e) =>
      h(
        'li',
        { class: `status-${e.status.toLowerCase()}-row` },
        h('span', { class: 'when' }, fmt.time(e.timestamp)),
        statusPill(e.status),
        h('strong', null, e.step),
        e.meta?.subType ? h('span', { class: 'muted' }, e.meta.subType) : '',
        e.reason ? h('span', { class: 'reason-text' }, e.reason) : '',
        h('span', { class: 'muted' }, e.dwellMs == null ? (view.state.terminal ? 'ended' : 'waiting') : `then ${fmt.ms(e.dwellMs)}`),
      ),
    ),
  );
}

// ---------------------------------------------------------------- daily summary

async function loadDaily(panel) {
  const from = rangeFrom();
  const answer = await api('daily-summary', { limit: 1000, from: from ? new Date(from).toLocaleDateString('en-CA') : undefined });
  if (answer.items.length === 0) {
    $('daily').replaceChildren();
    return note(panel, 'empty', 'No daily summaries in this range yet: each day is summarised once it is over (POST /api/daily-summary/aggregate computes one now).');
  }
  const rows = state.dailyGroup === 'day' ? byDay(answer.items) : answer.items;
  const revenue = (r) => r.revenue.byPaymentMethod.map((p) => `${p.paymentMethod} ${fmt.money(p.net, p.currency)}`).join(' · ') || '–';
  const body = rows.map((r) =>
    h(
      'tr',
      null,
      h('td', null, r.date),
      state.dailyGroup === 'day' ? h('td', { class: 'num' }, fmt.count(r.devices)) : h('td', { class: 'mono' }, r.deviceId),
      h('td', { class: 'num' }, fmt.count(r.sessions.total)),
      h('td', { class: 'num' }, fmt.count(r.sessions.byStatus.completed)),
      h('td', { class: 'num' }, fmt.pct(r.conversionRate)),
      h('td', { class: 'stages' }, stageFlow(r.funnel.stages)),
      h('td', null, revenue(r)),
      state.dailyGroup === 'day' ? '' : h('td', { class: 'perf-cell' }, percentiles(r.performance)),
      h('td', { class: 'num' }, fmt.count(r.errors.total), h('span', { class: 'sub' }, bySeverity(r.errors.bySeverity))),
    ),
  );
  const head = [
    'Date',
    state.dailyGroup === 'day' ? 'Devices' : 'Device',
    'Sessions',
    'Completed',
    'Conversion',
    'Sessions per stage',
    'Revenue by payment method',
    state.dailyGroup === 'day' ? null : 'p50 / p95 / p99 per metric',
    'Errors',
  ].filter(Boolean);
  $('daily').replaceChildren(
    table(head, body, { class: 'compact' }),
    h(
      'p',
      { class: 'caption' },
      state.dailyGroup === 'day'
        ? 'Each day summed over its devices, in the collector’s time zone; per-device rows add the performance percentiles.'
        : 'One row per device and day, in the collector’s time zone. Conversion: completed sessions / sessions.',
    ),
  );
  note(panel, null, null);
}

/** "payment 1.2 s / 3.4 s / 5.0 s", one line per metric type. */
function percentiles(performance) {
  const entries = Object.entries(performance ?? {});
  if (entries.length === 0) return '–';
  return entries.map(([type, m]) => h('span', { class: 'metric' }, h('strong', null, type), ` ${fmt.ms(m.p50Ms)} / ${fmt.ms(m.p95Ms)} / ${fmt.ms(m.p99Ms)}`));
}

/** "1 fatal · 2 error", leaving out zeros. */
const bySeverity = (counts) =>
  SEVERITIES.filter((s) => counts?.[s])
    .map((s) => `${fmt.count(counts[s])} ${s}`)
    .join(' · ');

function stageFlow(stages) {
  return stages.map((s, i) => h('span', { class: 'stage' }, `${i ? '→ ' : ''}${s.stage} ${fmt.count(s.sessions)}`));
}

/** Sums per-device rows into one row per date (every figure here is a count or a sum). */
function byDay(items) {
  const days = new Map();
  for (const r of items) {
    let d = days.get(r.date);
    if (!d) {
      d = { date: r.date, devices: 0, sessions: { total: 0, byStatus: { completed: 0 } }, stages: new Map(), revenue: new Map(), errors: { total: 0, bySeverity: {} } };
      days.set(r.date, d);
    }
    d.devices++;
    d.sessions.total += r.sessions.total;
    d.sessions.byStatus.completed += r.sessions.byStatus.completed ?? 0;
    for (const s of r.funnel.stages) d.stages.set(s.stage, (d.stages.get(s.stage) ?? 0) + s.sessions);
    for (const p of r.revenue.byPaymentMethod) {
      const k = `${p.paymentMethod}\u0000${p.currency}`;
      const e = d.revenue.get(k) ?? { paymentMethod: p.paymentMethod, currency: p.currency, purchases: 0, net: 0 };
      e.purchases += p.purchases;
      e.net += p.net;
      d.revenue.set(k, e);
    }
    d.errors.total += r.errors.total;
    for (const [severity, n] of Object.entries(r.errors.bySeverity ?? {})) d.errors.bySeverity[severity] = (d.errors.bySeverity[severity] ?? 0) + n;
  }
  return [...days.values()]
    .sort((a, b) => (a.date < b.date ? 1 : -1))
    .map((d) => ({
      ...d,
      conversionRate: d.sessions.total ? d.sessions.byStatus.completed / d.sessions.total : null,
      funnel: { stages: [...d.stages].map(([stage, sessions]) => ({ stage, sessions })) },
      revenue: { byPaymentMethod: [...d.revenue.values()] },
    }));
}

// ---------------------------------------------------------------- errors

async function loadErrors(panel) {
  const answer = await api('errors', { limit: 1000, from: rangeFrom() });
  const items = answer.items;
  if (items.length === 0) {
    $('errors').replaceChildren();
    return note(panel, 'empty', 'No errors in this range.');
  }
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, Object.fromEntries(CATEGORIES.map((c) => [c, 0]))]));
  for (const e of items) if (counts[e.severity]?.[e.category] != null) counts[e.severity][e.category]++;
  const matrix = table(
    ['Severity', ...CATEGORIES, 'all'],
    SEVERITIES.map((s) => {
      const total = CATEGORIES.reduce((n, c) => n + counts[s][c], 0);
      return h(
        'tr',
        { class: total && (s === 'fatal' || s === 'error') ? 'bad' : '' },
        h('th', { scope: 'row' }, h('span', { class: `pill severity-${s}` }, s)),
        CATEGORIES.map((c) => h('td', { class: 'num' }, counts[s][c] ? fmt.count(counts[s][c]) : '·')),
        h('td', { class: 'num' }, fmt.count(total)),
      );
    }),
    { class: 'compact matrix', 'data-testid': 'errors-by-severity' },
  );
  const recent = items.slice(0, 8).map((e) =>
    h(
      'li',
      { class: `severity-${e.severity}` },
      h('span', { class: 'when' }, fmt.time(e.timestamp)),
      h('span', { class: `pill severity-${e.severity}` }, e.severity),
      h('span', { class: 'muted' }, e.category),
      h('strong', null, e.errorType ?? ''),
      h('span', { class: 'msg', title: e.message }, e.message),
      h('span', { class: 'muted mono' }, e.deviceId, e.screenId ? ` · ${e.screenId}` : ''),
    ),
  );
  $('errors').replaceChildren(
    matrix,
    h('p', { class: 'caption' }, `${answer.nextCursor ? `The latest ${fmt.count(items.length)}` : fmt.count(items.length)} error reports in this range.`),
    h('ol', { class: 'recent' }, recent),
  );
  note(panel, null, null);
}

// ---------------------------------------------------------------- performance

/** Nearest-rank percentile of sorted values: the ⌈p·n⌉-th smallest. */
const nearestRank = (sorted, p) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : null);

async function loadPerformance(panel) {
  const answer = await api('performance', { limit: 1000, from: rangeFrom() });
  if (answer.items.length === 0) {
    $('perf').replaceChildren();
    return note(panel, 'empty', 'No performance metrics in this range.');
  }
  const by = new Map();
  for (const m of answer.items) {
    const e = by.get(m.metricType) ?? { durations: [], failed: 0 };
    e.durations.push(m.durationMs);
    if (!m.success) e.failed++;
    by.set(m.metricType, e);
  }
  const rows = [...by]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, e]) => {
      const d = e.durations.sort((a, b) => a - b);
      return h(
        'tr',
        { dataset: { metricType: type } },
        h('th', { scope: 'row' }, type),
        h('td', { class: 'num' }, fmt.count(d.length)),
        h('td', { class: `num ${e.failed ? 'bad' : ''}` }, fmt.pct(e.failed / d.length)),
        h('td', { class: 'num' }, fmt.ms(nearestRank(d, 0.5))),
        h('td', { class: 'num' }, fmt.ms(nearestRank(d, 0.95))),
        h('td', { class: 'num' }, fmt.ms(nearestRank(d, 0.99))),
      );
    });
  $('perf').replaceChildren(
    table(['Metric', 'Count', 'Failed', 'p50', 'p95', 'p99'], rows, { class: 'compact' }),
    h('p', { class: 'caption' }, `Nearest-rank percentiles over ${answer.nextCursor ? `the latest ${fmt.count(answer.items.length)}` : fmt.count(answer.items.length)} metrics in this range.`),
  );
  note(panel, null, null);
}

// ---------------------------------------------------------------- live feed

const live = {
  source: null,
  /** Browser arrival times of streamed events, for the per-minute rate. */
  arrivals: [],
  seen: new Set(),
  streaming: false,
  retry: null,
};

function feedItem(e) {
  const dropped = e.status === 'DROPPED';
  return h(
    'li',
    { class: `status-row status-${e.status.toLowerCase()}`, 'data-testid': 'feed-item', dataset: { traceId: e.traceId, eventId: e.eventId ?? '', status: e.status } },
    h(
      'div',
      { class: 'line' },
      h('span', { class: 'when' }, fmt.time(e.timestamp)),
      statusPill(e.status),
      h('strong', { class: 'step' }, e.step),
      e.meta?.subType ? h('span', { class: 'muted' }, e.meta.subType) : '',
    ),
    h(
      'div',
      { class: 'line sub' },
      h('span', { class: 'trace mono', title: e.traceId }, e.traceId),
      e.reason ? h('span', { class: 'reason-text' }, e.reason) : '',
      dropped ? h('span', { class: 'sr-only' }, '(dropped)') : '',
    ),
  );
}

/**
 * Adds events to the feed once each: `top` takes them in arrival order, the last one
 * ending on top; `bottom` appends stored events (newest first) under what is shown.
 */
function addToFeed(events, where, counted = false) {
  const feed = $('feed');
  const fresh = events.filter((e) => !(e.eventId && live.seen.has(e.eventId)) && (!state.service || e.service === state.service));
  for (const e of fresh) {
    if (e.eventId) live.seen.add(e.eventId);
    if (where === 'top') feed.prepend(feedItem(e));
    else feed.append(feedItem(e));
    if (counted) live.arrivals.push(Date.now());
  }
  while (feed.children.length > FEED_MAX) {
    const last = feed.lastElementChild;
    live.seen.delete(last.dataset.eventId);
    last.remove();
  }
  const panel = feed.closest('.panel');
  note(panel, feed.children.length ? null : 'empty', feed.children.length ? null : 'Waiting for progress events…');
}

/**
 * The latest stored events: under the feed when the page opens (so it is not empty
 * before the stream sends anything), on top while the stream is not available.
 */
async function loadRecentProgress(where) {
  if (!state.service) return;
  const answer = await api('progress', { service: state.service, limit: 30 });
  if (where === 'top') addToFeed(answer.items.slice().reverse(), 'top');
  else addToFeed(answer.items, 'bottom');
}

function setLiveState(text, kind) {
  const el = $('live-state');
  el.textContent = text;
  el.className = `pill live-${kind}`;
}

function openStream() {
  live.source?.close();
  clearTimeout(live.retry);
  live.streaming = false;
  setLiveState('connecting', 'wait');
  const source = new EventSource(apiUrl('stream', { service: state.service || undefined }));
  live.source = source;
  source.addEventListener('open', () => {
    live.streaming = true;
    setLiveState('live', 'ok');
    note($('feed').closest('.panel'), $('feed').children.length ? null : 'empty', $('feed').children.length ? null : 'Waiting for progress events…');
  });
  source.addEventListener('progress', (m) => {
    try {
      addToFeed([JSON.parse(m.data)], 'top', true);
    } catch {
      // A message that is not an event: skip it.
    }
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) {
      setLiveState('reconnecting', 'wait');
      return;
    }
    // The browser gave up (the route answered an error): find out why, poll meanwhile, retry later.
    live.streaming = false;
    probeStream();
    live.retry = setTimeout(openStream, REFRESH_MS);
  });
}

/** Asks the stream route for its status without keeping the connection. */
async function probeStream() {
  const panel = $('feed').closest('.panel');
  const abort = new AbortController();
  try {
    const res = await fetch(apiUrl('stream', { service: state.service || undefined }), { signal: abort.signal, headers: { accept: 'text/event-stream' } });
    const body = res.ok ? undefined : await res.json().catch(() => undefined);
    abort.abort();
    if (res.ok) return;
    const error = new ApiError('/api/stream', res.status, body);
    setLiveState(error.unavailable ? 'not available' : 'offline', 'off');
    note(panel, error.unavailable ? 'unavailable' : 'error', error.unavailable ? 'Not available: this collector does not serve /api/stream; showing the latest events every 10 s instead.' : `Stream: ${error.message}`);
  } catch {
    setLiveState('offline', 'off');
  }
}

function updateRate() {
  const cutoff = Date.now() - 60_000;
  while (live.arrivals.length && live.arrivals[0] < cutoff) live.arrivals.shift();
  $('live-rate').textContent = fmt.count(live.arrivals.length);
  const tile = document.querySelector('[data-testid="kpi-rate"]');
  if (tile) tile.textContent = fmt.count(live.arrivals.length);
}

// ---------------------------------------------------------------- refresh loop

let refreshing = false;
let lastServices = 0;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    // Until a first service shows up, look for one at every refresh.
    if (!state.service || Date.now() - lastServices > SERVICES_REFRESH_MS) {
      const had = state.service;
      if (await runPanel('funnel-panel', loadServices)) lastServices = Date.now();
      if (had !== state.service) onServiceChanged(false);
    }
    await Promise.all([
      runPanel('bottleneck-panel', loadBottlenecks),
      runPanel('funnel-panel', loadFunnel),
      runPanel('slo-panel', loadSlo),
      runPanel('traces-panel', loadTraces),
      runPanel('daily-panel', loadDaily),
      runPanel('errors-panel', loadErrors),
      runPanel('perf-panel', loadPerformance),
      live.streaming ? null : runPanel('feed-panel', () => loadRecentProgress('top')),
    ]);
    renderKpis();
    $('updated').textContent = `updated ${fmt.time(Date.now())} · refreshes every ${REFRESH_MS / 1000} s`;
  } finally {
    refreshing = false;
  }
}

function onServiceChanged(reload = true) {
  saveHash();
  fillFunnelForm();
  state.funnel = null;
  state.bottlenecks = null;
  $('feed').replaceChildren();
  live.seen.clear();
  live.arrivals.length = 0;
  openStream();
  runPanel('feed-panel', () => loadRecentProgress('bottom'));
  if (reload) refresh();
}

function wire() {
  $('service').addEventListener('change', (e) => {
    state.service = e.target.value;
    onServiceChanged();
  });
  $('range').addEventListener('change', (e) => {
    state.range = e.target.value;
    saveHash();
    refresh();
  });
  $('funnel-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const steps = $('steps').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (steps.length === 0) return;
    state.custom[state.service] = { steps, stepField: $('step-field').value };
    state.window = $('window').value;
    saveHash();
    runPanel('funnel-panel', loadFunnel);
  });
  $('steps-reset').addEventListener('click', () => {
    delete state.custom[state.service];
    fillFunnelForm();
    saveHash();
    runPanel('funnel-panel', loadFunnel);
  });
  $('window').addEventListener('change', (e) => {
    state.window = e.target.value;
    saveHash();
    runPanel('funnel-panel', loadFunnel);
  });
  $('heat-by').addEventListener('change', (e) => {
    state.heatBy = e.target.value;
    saveHash();
    renderBottlenecks();
  });
  $('daily-group').addEventListener('change', (e) => {
    state.dailyGroup = e.target.value;
    saveHash();
    runPanel('daily-panel', loadDaily);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });
}

async function start() {
  loadHash();
  $('range').value = state.range;
  $('heat-by').value = state.heatBy;
  $('daily-group').value = state.dailyGroup;
  wire();
  renderKpis();
  await runPanel('funnel-panel', loadServices);
  lastServices = Date.now();
  fillFunnelForm();
  saveHash();
  openStream();
  runPanel('feed-panel', () => loadRecentProgress('bottom'));
  await refresh();
  setInterval(() => document.hidden || refresh(), REFRESH_MS);
  setInterval(updateRate, 1_000);
  document.body.dataset.ready = 'true';
}

start();
