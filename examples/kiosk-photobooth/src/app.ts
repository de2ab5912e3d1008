/**
 * A photo-booth kiosk, instrumented with @waymark/browser.
 *
 * One page; each of the 8 funnel stages has its own route, switched with
 * history.pushState, so the SDK's route capture turns every screen change into a
 * screen event and a funnel stage. URL parameters for trying it out:
 *
 *   ?kiosk=7      device id `kiosk-7` (default: a number kept in localStorage)
 *   ?store=gangnam-01
 *   ?idle=40      session timeout in seconds (default 120, the SDK's)
 *   ?jam=0.5      printer jam rate (default 0.05)
 */
import { init } from '@waymark/browser';
import { createHardware } from './booth-hardware.js';
import { newOrder, type Order } from './catalog.js';
import { ROUTES, SCREENS, STAGES, STEPS, stageOf, type Stage } from './routes.js';
import { SCREEN, type Kiosk } from './screens.js';

/** The collector's URL, set when the page is bundled (serve.mjs, from WAYMARK_ENDPOINT). */
declare const WAYMARK_ENDPOINT: string;

const params = new URLSearchParams(location.search);

function kioskNumber(): string {
  const given = params.get('kiosk');
  if (given) return given;
  let kept = localStorage.getItem('kiosk-number');
  if (!kept) localStorage.setItem('kiosk-number', (kept = String(1 + Math.floor(Math.random() * 999))));
  return kept;
}

const sessionTimeoutMs = Math.round(Number(params.get('idle') ?? 120) * 1_000) || 120_000;
const jamRate = Number(params.get('jam') ?? 0.05);

// A kiosk always starts on its attract screen: a restart mid-session has lost the order.
if (location.pathname !== ROUTES.attract) history.replaceState(null, '', ROUTES.attract + location.search);

const waymark = init({
  endpoint: WAYMARK_ENDPOINT,
  service: 'PHOTO_KIOSK',
  deviceId: 'kiosk-' + kioskNumber(),
  storeId: params.get('store') ?? 'seoul-hongdae-01',
  countryCode: 'KR',
  sessionTimeoutMs,
  funnel: { stages: [...STAGES], steps: STEPS, screens: SCREENS },
  onError: (error) => console.warn('waymark:', error.code, error.message),
});

const priceDisplay = waymark.assignVariant('price_display', ['plain', 'bold']);
const hardware = createHardware(jamRate);
const root = document.getElementById('app')!;

let order: Order = newOrder();
/** Counts screen visits, so a flow can tell whether its screen is still shown. */
let visit = 0;
/** Device flows running (payment, capture, print): the idle return waits for them. */
let working = 0;

function show(stage: Stage) {
  const mine = ++visit;
  const kiosk: Kiosk = {
    waymark,
    hardware,
    order,
    priceDisplay,
    go,
    back: () => history.back(),
    restart,
    busy: (on) => {
      working += on ? 1 : -1;
      if (!on) armIdle();
    },
    alive: () => visit === mine,
  };
  root.replaceChildren(SCREEN[stage](kiosk));
  root.dataset.stage = stage;
  window.scrollTo(0, 0);
}

function go(stage: Stage) {
  history.pushState(null, '', ROUTES[stage] + location.search);
  show(stage);
  armIdle();
}

function restart() {
  order = newOrder();
  go('attract');
}

// Back buttons go through history; a screen that needs what was not chosen (or
// already paid for) starts over.
window.addEventListener('popstate', () => {
  const stage = stageOf(location.pathname);
  const paidStage = stage !== undefined && STAGES.indexOf(stage) > STAGES.indexOf('payment');
  if (!stage || stage === 'attract' || paidStage !== order.paid || (stage !== 'frame_select' && !order.frame)) restart();
  else show(stage);
});

// An idle customer: once the SDK's session has timed out (it sends DROPPED for the
// stage they stopped at), the kiosk goes back to its attract screen for the next one.
let idleTimer: number | undefined;
function armIdle(ms = sessionTimeoutMs + 1_000) {
  window.clearTimeout(idleTimer);
  idleTimer = window.setTimeout(() => {
    if (location.pathname === ROUTES.attract) return;
    if (working) armIdle();
    // The SDK saw activity after this page's last input: its session is still open.
    else if (waymark.sessionId !== undefined) armIdle(1_000);
    else restart();
  }, ms);
}
for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => armIdle(), true);

show('attract');
