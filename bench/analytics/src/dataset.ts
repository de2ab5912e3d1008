/**
 * The data set: journeys of three services over `days` days, and the kiosk records a
 * daily summary is made of, generated deterministically from a seed and delivered in
 * the order a collector would receive them.
 *
 * - LOAN (seed 000 §4.1): application, terms, identity, the ID scan (OCR), health
 *   insurance and tax-office income scraping, the credit bureau (CB), loan
 *   conditions, the form, the review, the offer, the contract, the payout. Blurry
 *   scans (FAIL QUALITY_LOW) and bureau timeouts (FAIL NETWORK_TIMEOUT) are retried;
 *   the review rejects some (FAIL POLICY_REJECT); applicants quit (CANCEL USER_ABORT,
 *   CAMERA_PERMISSION_DENIED) or stall, and a stall gets the DROPPED event the
 *   collector's sweeper stores two minutes later (step DROPPED, reason TIMEOUT,
 *   `meta.lastStep`).
 * - SIGNUP: start, phone check, profile, address, terms, form, AML review, done.
 * - PHOTO_KIOSK (seed 002): the eight stages attract … done, one progress event per
 *   stage entered with the stage in `meta.subType`, as `@waymark/core`'s funnel sends
 *   them; back-outs (CANCEL BACK_OUT), cancels, declined cards and printer jams
 *   (FAIL), walk-aways (DROPPED TIMEOUT after the SDK's two-minute session timeout).
 *   Each kiosk journey is a session of one of `devices` kiosks, with its purchase,
 *   performance metrics (payment, capture, render, print; app_start once a day per
 *   kiosk) and error reports.
 *
 * Journeys start on a daily curve (loans in office hours and evenings, kiosks from
 * 10:00 to 22:00 in Seoul, busier at weekends); step times are log-normal; device
 * clocks are off by up to seconds, a few by minutes; items reach the collector after
 * a delivery delay, a few hours late from an offline outbox. UI events are not
 * generated: no query timed here reads them.
 */
import { createHash } from 'node:crypto';
import type { PreparedItem } from '@waymark/collector/store';
import type { ErrorReport, PerformanceMetric, ProgressEvent, Purchase, Session, StageTiming } from '@waymark/protocol/types';
import { createRandom, type Random } from './random.js';

/** Bumped whenever the generator's output changes, so a cached database is not reused. */
export const DATASET_VERSION = 1;

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Seoul is UTC+9 all year. */
const SEOUL = 9 * HOUR;
/** Steps that end a journey (seed 000 §3). */
const TERMINAL_STEPS = new Set(['COMPLETED', 'FAILED', 'CANCEL', 'DROPPED']);
/** The collector's default drop timeout, and the SDK's kiosk session timeout. */
const DROP_TIMEOUT_MS = 120_000;

export interface DatasetOptions {
  /** Journeys started over the range. */
  traces: number;
  days: number;
  /** Photo kiosks. */
  devices: number;
  seed: number;
  /** Exclusive end (epoch ms), a midnight in Seoul: nothing is received at or after it. */
  end: number;
}

export const SERVICES = ['LOAN', 'SIGNUP', 'PHOTO_KIOSK'] as const;
type Service = (typeof SERVICES)[number];
/** Share of the journeys per service. */
const SHARE: Record<Service, number> = { LOAN: 0.5, SIGNUP: 0.2, PHOTO_KIOSK: 0.3 };

/** Relative journey starts per hour of day in Seoul, and the weekend factor. */
const CURVE: Record<Service, { hours: number[]; weekend: number }> = {
  LOAN: {
    hours: [0.3, 0.18, 0.1, 0.06, 0.05, 0.07, 0.15, 0.35, 0.6, 0.9, 1, 1, 0.9, 1, 1, 0.95, 0.9, 0.8, 0.75, 0.8, 0.9, 0.95, 0.8, 0.5],
    weekend: 0.6,
  },
  SIGNUP: {
    hours: [0.45, 0.3, 0.15, 0.08, 0.05, 0.06, 0.12, 0.3, 0.5, 0.6, 0.65, 0.7, 0.8, 0.75, 0.7, 0.7, 0.7, 0.75, 0.85, 0.95, 1, 1, 0.9, 0.7],
    weekend: 1.2,
  },
  PHOTO_KIOSK: {
    hours: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.35, 0.55, 0.75, 0.85, 0.95, 1, 1, 1, 1, 0.95, 0.75, 0.45, 0, 0],
    weekend: 1.7,
  },
};

/** What one pass over the data set produced. */
export interface DatasetCounts {
  traces: Record<Service, number>;
  items: Record<PreparedItem['kind'], number>;
  /** Progress events per service. */
  events: Record<Service, number>;
}

type Item = PreparedItem;

// ---------------------------------------------------------------------------
// Journey starts: stratified samples of each service's curve, so they come sorted.

function startTimes(service: Service, n: number, o: DatasetOptions, r: Random): () => number {
  const start = o.end - o.days * DAY;
  const minutes = o.days * 1_440;
  const cumulative = new Float64Array(minutes);
  const curve = CURVE[service];
  let total = 0;
  for (let m = 0; m < minutes; m++) {
    const local = start + m * MINUTE + SEOUL;
    const weekday = new Date(local).getUTCDay();
    total += curve.hours[new Date(local).getUTCHours()]! * (weekday === 0 || weekday === 6 ? curve.weekend : 1);
    cumulative[m] = total;
  }
  let i = 0;
  let m = 0;
  return () => {
    if (i >= n) return Infinity;
    const u = ((i++ + r.next()) / n) * total;
    while (cumulative[m]! <= u && m < minutes - 1) m++;
    const before = m === 0 ? 0 : cumulative[m - 1]!;
    return start + m * MINUTE + ((u - before) / (cumulative[m]! - before)) * MINUTE;
  };
}

// ---------------------------------------------------------------------------
// A min-heap of items by arrival.

class ArrivalQueue {
  private keys: number[] = [];
  private order: number[] = [];
  private items: Item[] = [];
  private pushed = 0;
  get size() {
    return this.items.length;
  }
  peek(): number {
    return this.items.length ? this.keys[0]! : Infinity;
  }
  private less(a: number, b: number) {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.order[a]! < this.order[b]!);
  }
  private swap(a: number, b: number) {
    const key = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = key;
    const order = this.order[a]!;
    this.order[a] = this.order[b]!;
    this.order[b] = order;
    const item = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = item;
  }
  push(item: Item): void {
    let i = this.items.length;
    this.keys.push(item.receivedAt);
    this.order.push(this.pushed++);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): Item {
    const top = this.items[0]!;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.order.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const rr = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (rr < last && this.less(rr, m)) m = rr;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

// ---------------------------------------------------------------------------
// Devices, clocks and delivery.

interface Sender {
  /** Device clock minus true time, ms. */
  skew: number;
  /** Arrival of its latest item. */
  lastReceivedAt: number;
  /** ms from an item's creation to its arrival at the collector. */
  delay: () => number;
  /** Network latency part of the delay: derivedTimestamp = true time + this. */
  latency: () => number;
}

function clockSkew(r: Random): number {
  const x = r.next();
  if (x < 0.9) return Math.round(r.between(-2 * SECOND, 2 * SECOND));
  if (x < 0.99) return Math.round(r.between(-MINUTE, MINUTE));
  return Math.round(r.between(-10 * MINUTE, 10 * MINUTE));
}

/** A client that sends from a device: SDK batches (up to 5 s), and now and then an outbox that was offline. */
function deviceSender(r: Random, skew: number, offline: number): Sender {
  const late = r.chance(offline) ? r.between(MINUTE, 3 * HOUR) : 0;
  return {
    skew,
    lastReceivedAt: 0,
    delay: () => r.between(50, 5_000) + r.lognormal(120, 0.6) + late,
    latency: () => r.lognormal(80, 0.5),
  };
}

/** A backend service reporting steps itself (NTP clock, an outbox flushed at once). */
function serviceSender(r: Random): Sender {
  return { skew: 0, lastReceivedAt: 0, delay: () => r.lognormal(150, 0.5), latency: () => r.lognormal(20, 0.5) };
}

const round = Math.round;

// ---------------------------------------------------------------------------
// Progress journeys.

interface JourneyContext {
  traceId: string;
  service: Service;
  sender: Sender;
  meta: Record<string, unknown>;
  r: Random;
  out: Item[];
  /** True time of the journey's latest step. */
  at: number;
  /** The latest progress event, in journey order. */
  last?: { step: string; status: ProgressEvent['status']; eventId: string; timestamp: number; receivedAt: number };
  /** Latest arrival of any of its events. */
  lastReceivedAt: number;
}

function newJourney(traceId: string, service: Service, sender: Sender, meta: Record<string, unknown>, r: Random, at: number): JourneyContext {
  return { traceId, service, sender, meta, r, out: [], at, lastReceivedAt: 0 };
}

function emit(j: JourneyContext, step: string, status: ProgressEvent['status'], reason: string | null, extra: Record<string, unknown>, sender = j.sender): void {
  const timestamp = round(j.at + sender.skew);
  const record: ProgressEvent & { eventId: string } = {
    traceId: j.traceId,
    service: j.service,
    step,
    status,
    reason,
    meta: { ...j.meta, ...extra },
    timestamp,
    eventId: j.r.uuidv7(timestamp),
    schemaVersion: 1,
  };
  // One sender's items arrive in the order it made them (its buffer sends them so).
  const receivedAt = Math.max(round(j.at + sender.delay()), sender.lastReceivedAt);
  sender.lastReceivedAt = receivedAt;
  j.out.push({ kind: 'progress', record, receivedAt, derivedTimestamp: round(j.at + sender.latency()) });
  j.lastReceivedAt = Math.max(j.lastReceivedAt, receivedAt);
  // Journey order: by timestamp, equal timestamps by arrival.
  if (!j.last || timestamp > j.last.timestamp || (timestamp === j.last.timestamp && receivedAt >= j.last.receivedAt)) {
    j.last = { step, status, eventId: record.eventId, timestamp, receivedAt };
  }
}

/**
 * The DROPPED event the collector's sweeper stores for a stalled journey: the first
 * sweep (every second) at least two minutes after its latest arrival.
 */
function sweeperDrop(j: JourneyContext): void {
  const last = j.last!;
  // The sweeper leaves journeys whose latest event ended them.
  if (TERMINAL_STEPS.has(last.step) || last.status !== 'SUCCESS') return;
  const receivedAt = j.lastReceivedAt + DROP_TIMEOUT_MS + round(j.r.between(0, SECOND));
  const idleMs = receivedAt - j.lastReceivedAt;
  const eventId = `dropped_${createHash('sha256').update(j.traceId).update('\0').update(last.eventId).digest('base64url').slice(0, 32)}`;
  j.out.push({
    kind: 'progress',
    record: {
      traceId: j.traceId,
      service: j.service,
      step: 'DROPPED',
      status: 'DROPPED',
      reason: 'TIMEOUT',
      meta: { lastStep: last.step, lastStatus: last.status, lastEventId: last.eventId, timeoutMs: DROP_TIMEOUT_MS, idleMs },
      timestamp: last.timestamp + idleMs,
      eventId,
    },
    receivedAt,
  });
}

/**
 * Waits for the next step; the user may quit (a CANCEL at that step) or stall (the
 * sweeper's DROPPED). False when the journey ends here.
 */
function proceed(j: JourneyContext, median: number, sigma: number, quit: number, stall: number, nextStep: string, extra: Record<string, unknown> = {}): boolean {
  const wait = j.r.lognormal(median, sigma);
  const x = j.r.next();
  if (x < quit) {
    j.at += wait / 2;
    emit(j, nextStep, 'CANCEL', 'USER_ABORT', extra);
    return false;
  }
  if (x < quit + stall) {
    sweeperDrop(j);
    return false;
  }
  j.at += wait;
  return true;
}

const LOAN_CHANNELS = ['WEB', 'MOBILE_APP', 'MOBILE_APP', 'MOBILE_APP', 'MOBILE_WEB'] as const;
const DEVICES: Record<string, readonly string[]> = {
  WEB: ['Chrome 131 / Windows', 'Edge 131 / Windows', 'Safari 18 / macOS', 'Chrome 131 / macOS'],
  MOBILE_APP: ['iPhone15,2', 'iPhone14,5', 'SM-S911B', 'SM-A546N', 'Pixel 8'],
  MOBILE_WEB: ['Safari / iPhone', 'Samsung Internet / SM-S911B', 'Chrome / Pixel 8'],
};
const VERSIONS: Record<string, readonly string[]> = {
  WEB: ['2025.11.3', '2025.11.4'],
  MOBILE_APP: ['3.0.1', '3.1.0', '3.1.2', '3.2.0'],
  MOBILE_WEB: ['2025.11.3', '2025.11.4'],
};

function clientMeta(r: Random, channels: readonly string[]) {
  const channel = r.pick(channels);
  return { channel, clientVersion: r.pick(VERSIONS[channel]!), device: r.pick(DEVICES[channel]!) };
}

function loanJourney(traceId: string, start: number, r: Random): Item[] {
  const meta = clientMeta(r, LOAN_CHANNELS);
  const j = newJourney(traceId, 'LOAN', deviceSender(r, clockSkew(r), meta.channel === 'MOBILE_APP' ? 0.01 : 0.002), meta, r, start);
  // The credit bureau, the review and the payout are reported by the loan service itself, on its own clock.
  const server = serviceSender(r);
  const step = (s: string, screenId: string, subType?: string, status: ProgressEvent['status'] = 'SUCCESS', reason: string | null = null) =>
    emit(j, s, status, reason, subType ? { screenId, subType } : { screenId }, subType === 'CB' || s === 'REVIEWED' || s === 'COMPLETED' ? server : j.sender);

  step('APPLICATION_STARTED', 'loan_intro');
  if (!proceed(j, 25 * SECOND, 0.6, 0.05, 0.07, 'TERMS_AGREED', { screenId: 'loan_terms' })) return j.out;
  step('TERMS_AGREED', 'loan_terms');
  if (!proceed(j, 40 * SECOND, 0.6, 0.02, 0.04, 'IDENTITY_VERIFIED', { screenId: 'identity' })) return j.out;
  if (r.chance(0.03)) {
    step('IDENTITY_VERIFIED', 'identity', undefined, 'FAIL', 'NETWORK_TIMEOUT');
    if (!proceed(j, 20 * SECOND, 0.5, 0.1, 0.2, 'IDENTITY_VERIFIED', { screenId: 'identity' })) return j.out;
  }
  step('IDENTITY_VERIFIED', 'identity');
  // The ID scan: the camera may be refused; blurry scans are retried twice at most.
  if (!proceed(j, 45 * SECOND, 0.7, 0.01, 0.03, 'DATA_COLLECTED', { screenId: 'ocr_upload', subType: 'OCR' })) return j.out;
  if (r.chance(0.015)) {
    step('DATA_COLLECTED', 'ocr_upload', 'OCR', 'CANCEL', 'CAMERA_PERMISSION_DENIED');
    return j.out;
  }
  for (let attempt = 0; r.chance(attempt ? 0.3 : 0.12); attempt++) {
    step('DATA_COLLECTED', 'ocr_upload', 'OCR', 'FAIL', 'QUALITY_LOW');
    if (attempt === 2) return j.out;
    if (!proceed(j, 25 * SECOND, 0.6, 0.05, 0.08, 'DATA_COLLECTED', { screenId: 'ocr_upload', subType: 'OCR' })) return j.out;
  }
  step('DATA_COLLECTED', 'ocr_upload', 'OCR');
  // Health insurance and tax-office records, scraped with the applicant's certificate.
  if (!proceed(j, 30 * SECOND, 0.7, 0.02, 0.03, 'DATA_COLLECTED', { screenId: 'income_scrape', subType: 'NHIS' })) return j.out;
  step('DATA_COLLECTED', 'income_scrape', 'NHIS');
  j.at += r.lognormal(6 * SECOND, 0.6);
  step('DATA_COLLECTED', 'income_scrape', 'NTS');
  // The credit bureau, retried once on a timeout.
  j.at += r.lognormal(4 * SECOND, 0.8);
  if (r.chance(0.06)) {
    step('DATA_COLLECTED', 'credit_check', 'CB', 'FAIL', 'NETWORK_TIMEOUT');
    if (r.chance(0.25)) return j.out;
    j.at += r.lognormal(15 * SECOND, 0.6);
  }
  step('DATA_COLLECTED', 'credit_check', 'CB');
  if (!proceed(j, 50 * SECOND, 0.7, 0.04, 0.05, 'LOAN_CONDITIONS_SELECTED', { screenId: 'loan_conditions' })) return j.out;
  step('LOAN_CONDITIONS_SELECTED', 'loan_conditions');
  if (!proceed(j, 90 * SECOND, 0.8, 0.03, 0.05, 'FORM_SUBMITTED', { screenId: 'application_form' })) return j.out;
  step('FORM_SUBMITTED', 'application_form');
  // Underwriting: a system step, minutes long at busy hours.
  j.at += r.lognormal(150 * SECOND, 1);
  if (r.chance(0.14)) {
    step('REVIEWED', 'review_result', undefined, 'FAIL', 'POLICY_REJECT');
    return j.out;
  }
  step('REVIEWED', 'review_result');
  if (!proceed(j, 60 * SECOND, 0.8, 0.05, 0.05, 'OFFER_ACCEPTED', { screenId: 'offer' })) return j.out;
  step('OFFER_ACCEPTED', 'offer');
  if (!proceed(j, 45 * SECOND, 0.6, 0.01, 0.02, 'CONTRACT_SIGNED', { screenId: 'contract' })) return j.out;
  step('CONTRACT_SIGNED', 'contract');
  j.at += r.lognormal(5 * SECOND, 0.6);
  step('COMPLETED', 'disbursed');
  return j.out;
}

const SIGNUP_CHANNELS = ['WEB', 'WEB', 'MOBILE_WEB', 'MOBILE_WEB', 'MOBILE_APP'] as const;

function signupJourney(traceId: string, start: number, r: Random): Item[] {
  const meta = clientMeta(r, SIGNUP_CHANNELS);
  const j = newJourney(traceId, 'SIGNUP', deviceSender(r, clockSkew(r), 0.003), meta, r, start);
  const step = (s: string, screenId: string, subType?: string, status: ProgressEvent['status'] = 'SUCCESS', reason: string | null = null) =>
    emit(j, s, status, reason, subType ? { screenId, subType } : { screenId });

  step('SIGNUP_STARTED', 'signup_start');
  if (!proceed(j, 20 * SECOND, 0.6, 0.04, 0.06, 'IDENTITY_VERIFIED', { screenId: 'phone_check' })) return j.out;
  if (r.chance(0.04)) {
    step('IDENTITY_VERIFIED', 'phone_check', undefined, 'FAIL', 'NETWORK_TIMEOUT');
    if (!proceed(j, 30 * SECOND, 0.5, 0.1, 0.15, 'IDENTITY_VERIFIED', { screenId: 'phone_check' })) return j.out;
  }
  step('IDENTITY_VERIFIED', 'phone_check');
  if (!proceed(j, 40 * SECOND, 0.6, 0.03, 0.05, 'DATA_COLLECTED', { screenId: 'profile', subType: 'PROFILE' })) return j.out;
  step('DATA_COLLECTED', 'profile', 'PROFILE');
  if (!proceed(j, 30 * SECOND, 0.6, 0.02, 0.04, 'DATA_COLLECTED', { screenId: 'address', subType: 'ADDRESS' })) return j.out;
  step('DATA_COLLECTED', 'address', 'ADDRESS');
  if (!proceed(j, 15 * SECOND, 0.6, 0.02, 0.02, 'TERMS_AGREED', { screenId: 'terms' })) return j.out;
  step('TERMS_AGREED', 'terms');
  j.at += r.lognormal(4 * SECOND, 0.5);
  step('FORM_SUBMITTED', 'signup_submit');
  j.at += r.lognormal(3 * SECOND, 0.8);
  if (r.chance(0.015)) {
    step('REVIEWED', 'aml_check', undefined, 'FAIL', 'POLICY_REJECT');
    return j.out;
  }
  step('REVIEWED', 'aml_check');
  j.at += r.lognormal(2 * SECOND, 0.5);
  step('COMPLETED', 'welcome');
  return j.out;
}

// ---------------------------------------------------------------------------
// Photo kiosks.

const STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'] as const;
type Stage = (typeof STAGES)[number];
const STAGE_STEP: Partial<Record<Stage, string>> = { payment: 'FORM_SUBMITTED', print: 'REVIEWED', done: 'COMPLETED' };
const stepOf = (stage: Stage) => STAGE_STEP[stage] ?? 'DATA_COLLECTED';
/** Median seconds on a stage. */
const DWELL_S: Record<Stage, number> = { attract: 6, frame_select: 30, options: 22, payment: 28, capture: 32, edit: 45, print: 42, done: 9 };
const WALK_AWAY: Partial<Record<Stage, number>> = { frame_select: 0.12, options: 0.08, payment: 0.1, capture: 0.02, edit: 0.04 };
const CANCEL: Partial<Record<Stage, number>> = { options: 0.04, payment: 0.05, edit: 0.02 };
const PAYMENT_METHODS = ['card', 'card', 'card', 'mobile_pay', 'mobile_pay', 'cash'];
const PRICE: Record<string, { currency: string; price: number; discount: number }> = {
  KR: { currency: 'KRW', price: 4_000, discount: 1_000 },
  JP: { currency: 'JPY', price: 500, discount: 100 },
};

interface Kiosk {
  deviceId: string;
  storeId: string;
  groupId: string;
  countryCode: string;
  skew: number;
  appVersion: string;
}

function kiosks(n: number, r: Random): Kiosk[] {
  const out: Kiosk[] = [];
  let store = 0;
  while (out.length < n) {
    store++;
    const countryCode = r.chance(0.9) ? 'KR' : 'JP';
    const groupId = `group-${String(1 + (store % 12)).padStart(2, '0')}`;
    for (let k = r.int(1, 4); k > 0 && out.length < n; k--) {
      out.push({
        deviceId: `kiosk-${String(out.length + 1).padStart(4, '0')}`,
        storeId: `store-${String(store).padStart(4, '0')}`,
        groupId,
        countryCode,
        skew: r.chance(0.97) ? round(r.between(-500, 500)) : round(r.between(-5 * MINUTE, 5 * MINUTE)),
        appVersion: r.pick(['2.4.0', '2.4.1', '2.5.0']),
      });
    }
  }
  return out;
}

function breadcrumbs(r: Random, at: number, screens: readonly string[]) {
  return Array.from({ length: r.int(3, 8) }, (_, i) => ({
    timestamp: round(at - (8 - i) * r.between(2 * SECOND, 20 * SECOND)),
    type: r.pick(['screen', 'tap', 'network', 'navigation'] as const),
    message: `${r.pick(['enter', 'tap', 'GET', 'route'])} ${r.pick(screens)}`,
  }));
}

function kioskSession(k: Kiosk, start: number, r: Random): Item[] {
  const sender = deviceSender(r, k.skew, 0.01);
  const deviceAt = (t: number) => round(t + k.skew);
  const sessionId = r.uuidv7(deviceAt(start));
  const variant = r.pick(['plain', 'bold']);
  const experiments = { price_display: variant };
  const j = newJourney(sessionId, 'PHOTO_KIOSK', sender, {}, r, start);
  const out = j.out;
  // Everything goes through the kiosk's one buffer, so it arrives in the order it was made.
  const arrival = (t: number) => (sender.lastReceivedAt = Math.max(round(t + sender.delay()), sender.lastReceivedAt));
  const receipt = (t: number) => ({ receivedAt: arrival(t), derivedTimestamp: round(t + sender.latency()) });
  const stages: StageTiming[] = [];
  const durations: Record<string, number> = {};
  let current: Stage = 'attract';
  let furthest = 0;
  let taps = 0;
  let scrolls = 0;
  let selections = 0;

  const enter = (stage: Stage) => {
    const now = deviceAt(j.at);
    const open = stages[stages.length - 1];
    if (open) {
      open.exitedAt = now;
      durations[open.stage] = (durations[open.stage] ?? 0) + now - open.enteredAt;
    }
    stages.push({ stage, enteredAt: now, exitedAt: null });
    const back = STAGES.indexOf(stage) < STAGES.indexOf(current);
    if (back) emit(j, stepOf(current), 'CANCEL', 'BACK_OUT', { subType: current, screenId: current, experiments });
    else emit(j, stepOf(stage), 'SUCCESS', null, { subType: stage, screenId: stage, experiments });
    current = stage;
    furthest = Math.max(furthest, STAGES.indexOf(stage));
  };
  const dwell = (stage: Stage) => {
    j.at += r.lognormal(DWELL_S[stage] * SECOND, 0.45);
  };
  const metric = (metricType: PerformanceMetric['metricType'], durationMs: number, success: boolean, breakdown?: Record<string, number>) => {
    const timestamp = deviceAt(j.at);
    const record: PerformanceMetric & { eventId: string } = {
      eventId: r.uuidv7(timestamp),
      sessionId,
      deviceId: k.deviceId,
      metricType,
      durationMs: round(durationMs),
      success,
      ...(breakdown ? { breakdown } : {}),
      context: { memoryMb: r.int(900, 3_800), cpus: 4, appVersion: k.appVersion },
      experiments,
      timestamp,
    };
    out.push({ kind: 'performance', record, ...receipt(j.at) });
  };
  const error = (severity: ErrorReport['severity'], category: ErrorReport['category'], errorType: string, message: string) => {
    const timestamp = deviceAt(j.at);
    const record: ErrorReport & { eventId: string } = {
      eventId: r.uuidv7(timestamp),
      sessionId,
      deviceId: k.deviceId,
      severity,
      category,
      errorType,
      message,
      screenId: current,
      breadcrumbs: breadcrumbs(r, timestamp, STAGES),
      deviceSnapshot: { memoryMb: r.int(900, 3_800), diskFreeMb: r.int(2_000, 60_000), printerPaper: r.int(0, 700), network: r.pick(['wifi', 'lte']), appVersion: k.appVersion },
      experiments,
      timestamp,
    };
    out.push({ kind: 'error', record, ...receipt(j.at) });
  };

  /** The session record as it stands at the end, sent once then. */
  const end = (status: Session['status']) => {
    const now = deviceAt(j.at);
    const open = stages[stages.length - 1]!;
    if (open.exitedAt == null) {
      open.exitedAt = now;
      durations[open.stage] = (durations[open.stage] ?? 0) + now - open.enteredAt;
    }
    const record: Session & { eventId: string } = {
      sessionId,
      eventId: r.uuidv7(now),
      deviceId: k.deviceId,
      storeId: k.storeId,
      groupId: k.groupId,
      countryCode: k.countryCode,
      startedAt: deviceAt(start),
      endedAt: now,
      status,
      funnel: { currentStage: current, reached: furthest + 1, total: STAGES.length, exitStage: current, stages },
      behavior: { totalTaps: taps, totalScrolls: scrolls, selectionChanges: selections, screenDurations: durations },
      experiments,
      meta: { appVersion: k.appVersion },
    };
    out.push({ kind: 'session', record, receivedAt: arrival(j.at) });
    return out;
  };

  enter('attract');
  dwell('attract');
  taps++;
  for (let i = 1; i < STAGES.length; i++) {
    const stage = STAGES[i]!;
    enter(stage);
    if (stage === 'frame_select') {
      selections += r.int(1, 3) + (r.chance(0.4) ? 1 : 0);
      scrolls += r.int(1, 3);
    }
    if (stage === 'options') taps += r.int(1, 5);
    dwell(stage);
    if (r.chance(WALK_AWAY[stage] ?? 0)) {
      // Gone: after two minutes without a touch the SDK ends the session (DROPPED).
      j.at += DROP_TIMEOUT_MS;
      emit(j, stepOf(current), 'DROPPED', 'TIMEOUT', { subType: current, screenId: current, experiments });
      return end('timeout');
    }
    if (r.chance(CANCEL[stage] ?? 0)) {
      taps++;
      emit(j, stepOf(current), 'CANCEL', 'USER_ABORT', { subType: current, screenId: current, experiments });
      return end('cancelled');
    }
    if (stage === 'options' && r.chance(0.08)) {
      enter('frame_select');
      dwell('frame_select');
      selections++;
      enter('options');
      dwell('options');
    }
    if (stage === 'payment') {
      const declined = r.chance(0.04);
      metric('payment', r.lognormal(declined ? 5_000 : 2_400, 0.35), !declined);
      if (declined) {
        error('error', 'network', 'PAYMENT_DECLINED', 'Card declined by issuer');
        emit(j, stepOf(current), 'FAIL', 'PAYMENT_DECLINED', { subType: current, screenId: current, experiments });
        return end('error');
      }
      const price = PRICE[k.countryCode]!;
      const copies = r.chance(0.3) ? 2 : 1;
      const gross = price.price * copies;
      const discount = r.chance(0.15) ? price.discount : 0;
      const tax = round((gross - discount) / 11);
      const timestamp = deviceAt(j.at);
      const record: Purchase & { eventId: string } = {
        eventId: r.uuidv7(timestamp),
        sessionId,
        deviceId: k.deviceId,
        storeId: k.storeId,
        amounts: { gross, discount, tax, net: gross - discount - tax },
        currency: price.currency,
        paymentMethod: r.pick(PAYMENT_METHODS),
        experiments,
        timestamp,
      };
      out.push({ kind: 'purchase', record, ...receipt(j.at) });
    }
    if (stage === 'capture') {
      const shutter = round(r.between(80, 400));
      const save = round(r.lognormal(700, 0.4));
      metric('capture', shutter + save, true, { shutter, save });
      taps += r.int(4, 9);
    }
    if (stage === 'edit') {
      metric('render', r.lognormal(1_300, 0.5), r.chance(0.99));
      if (r.chance(0.02)) error('warning', 'network', 'SLOW_UPLOAD', 'Photo upload to the share server took longer than 10 s');
    }
    if (stage === 'print') {
      const jam = r.chance(0.05);
      metric('print', r.lognormal(jam ? 28_000 : 38_000, 0.2), !jam);
      if (jam) {
        error('error', 'hardware', 'PRINTER_JAM', 'Printer paper jam');
        emit(j, stepOf(current), 'FAIL', 'PRINTER_JAM', { subType: current, screenId: current, experiments });
        return end('error');
      }
    }
  }
  return end('completed');
}

/** A kiosk's app start when its store opens, about 09:30–10:30 in Seoul. */
function appStart(k: Kiosk, at: number, r: Random): Item {
  const sender = deviceSender(r, k.skew, 0);
  const timestamp = round(at + k.skew);
  const record: PerformanceMetric & { eventId: string } = {
    eventId: r.uuidv7(timestamp),
    deviceId: k.deviceId,
    metricType: 'app_start',
    durationMs: round(r.lognormal(3_500, 0.35)),
    success: r.chance(0.995),
    context: { memoryMb: r.int(900, 3_800), cpus: 4, appVersion: k.appVersion },
    timestamp,
  };
  return { kind: 'performance', record, receivedAt: round(at + sender.delay()), derivedTimestamp: round(at + sender.latency()) };
}

// ---------------------------------------------------------------------------

/** Journeys per service for `traces` in all. */
export function traceCounts(traces: number): Record<Service, number> {
  const loan = Math.round(traces * SHARE.LOAN);
  const signup = Math.round(traces * SHARE.SIGNUP);
  return { LOAN: loan, SIGNUP: signup, PHOTO_KIOSK: traces - loan - signup };
}

/**
 * Every item of the data set, in arrival order (by `receivedAt`; items arriving in
 * the same millisecond in the order they were made). `counts` fills as it goes.
 */
export function* dataset(o: DatasetOptions, counts: DatasetCounts): Generator<Item> {
  const root = createRandom(o.seed);
  const seedOf = () => Math.floor(root.next() * 2 ** 32);
  const perService = traceCounts(o.traces);
  const fleet = kiosks(o.devices, createRandom(seedOf()));
  const r = createRandom(seedOf());
  const next: Record<Service, () => number> = {
    LOAN: startTimes('LOAN', perService.LOAN, o, createRandom(seedOf())),
    SIGNUP: startTimes('SIGNUP', perService.SIGNUP, o, createRandom(seedOf())),
    PHOTO_KIOSK: startTimes('PHOTO_KIOSK', perService.PHOTO_KIOSK, o, createRandom(seedOf())),
  };
  const due: Record<Service, number> = { LOAN: next.LOAN(), SIGNUP: next.SIGNUP(), PHOTO_KIOSK: next.PHOTO_KIOSK() };
  // Kiosk openings, a day at a time.
  const first = o.end - o.days * DAY;
  let openings: Array<{ at: number; kiosk: Kiosk }> = [];
  let openingDay = 0;
  const nextOpening = () => {
    while (openings.length === 0 && openingDay < o.days) {
      const opensAt = first + openingDay++ * DAY + 9.5 * HOUR;
      openings = fleet.map((kiosk) => ({ at: opensAt + r.between(0, HOUR), kiosk })).sort((a, b) => b.at - a.at);
    }
    return openings[openings.length - 1]?.at ?? Infinity;
  };

  const queue = new ArrivalQueue();
  let loans = 0;
  const add = (items: Item[]) => {
    for (const item of items) if (item.receivedAt < o.end) queue.push(item);
  };
  for (;;) {
    const service = SERVICES.reduce((a, b) => (due[b] < due[a] ? b : a));
    const opening = nextOpening();
    const start = Math.min(due[service], opening);
    // Everything made so far that arrives before this start is due: later items arrive later.
    while (queue.size && queue.peek() < start) {
      const item = queue.pop();
      counts.items[item.kind]++;
      if (item.kind === 'progress') counts.events[item.record.service as Service]++;
      yield item;
    }
    if (start === Infinity) break;
    if (opening <= due[service]) {
      add([appStart(openings.pop()!.kiosk, opening, r)]);
      continue;
    }
    counts.traces[service]++;
    if (service === 'LOAN') add(loanJourney(`LN2026-${String(++loans).padStart(8, '0')}`, start, r));
    else if (service === 'SIGNUP') add(signupJourney(r.uuidv4(), start, r));
    else add(kioskSession(r.pick(fleet), start, r));
    due[service] = next[service]();
  }
}

export function emptyCounts(): DatasetCounts {
  return {
    traces: { LOAN: 0, SIGNUP: 0, PHOTO_KIOSK: 0 },
    items: { progress: 0, session: 0, ui_event: 0, performance: 0, error: 0, purchase: 0, client_report: 0 },
    events: { LOAN: 0, SIGNUP: 0, PHOTO_KIOSK: 0 },
  };
}
