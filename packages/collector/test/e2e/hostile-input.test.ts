/**
 * Thousands of random malformed and hostile bodies, generated from a fixed seed, sent
 * with concurrency to every ingest route. Every answer must be a JSON answer under 500
 * whose errors name a path and a rule; afterwards nothing has been added to
 * Object.prototype, the collector still answers, and the valid items that were mixed
 * into accepted batches can be read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/index.js';

const SEED = 0x5eed_2026;
/** The collector's default body limit, which this test runs with. */
const LIMIT = 1_048_576;
const CONCURRENCY = 16;
const T = Date.UTC(2026, 10, 1, 9);

// Valid items mixed into hostile bodies carry these, so reading them back finds exactly them.
const VALID_TRACE = 'HOSTILE-VALID';
const VALID_DEVICE = 'hostile-valid-device';

/** Snapshots taken before any hostile body exists. */
const objectKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayKeysBefore = Object.getOwnPropertyNames(Array.prototype).sort();

// ---------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  /** Random UTF-16 code units, lone surrogates and controls included. */
  text(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.chance(0.5) ? this.int(0x80) : this.int(0x10000));
    return s;
  }
}

// ---------------------------------------------------------------------------------
// Valid records, one builder per kind; every call gives fresh ids

let serial = 0;
const uid = (prefix: string) => `${prefix}-${(serial++).toString(36)}`;

type Json = Record<string, unknown>;
const VALID = {
  progress: (): Json => ({
    traceId: uid('tr'),
    service: 'LOAN',
    step: 'DATA_COLLECTED',
    status: 'SUCCESS',
    reason: null,
    meta: { channel: 'WEB', screenId: 'ocr', extra: { n: 1, list: [1, 'a', null] } },
    timestamp: T,
    eventId: uid('pe'),
  }),
  session: (): Json => ({
    sessionId: uid('s'),
    deviceId: 'kiosk-1',
    storeId: 'store-7',
    countryCode: 'KR',
    startedAt: T,
    status: 'active',
    funnel: { currentStage: 'home', reached: 1, total: 3, stages: [{ stage: 'home', enteredAt: T }] },
    behavior: { totalTaps: 1, totalScrolls: 0, selectionChanges: 0, screenDurations: { home: 12 } },
    experiments: { theme: 'dark' },
    meta: { k: 'v', nested: { a: [1, 2] } },
  }),
  ui_event: (): Json => ({
    sessionId: uid('s'),
    sequenceNo: serial,
    deviceId: 'kiosk-1',
    screenId: 'home',
    eventType: 'tap',
    timestamp: T,
    position: { x: 0.5, y: 0.25 },
    hitResult: 'success',
    props: { a: 1, b: { c: 'd' } },
    eventId: uid('ue'),
  }),
  performance: (): Json => ({
    deviceId: 'kiosk-1',
    metricType: 'capture',
    durationMs: 12.5,
    success: true,
    breakdown: { focus: 3, shoot: 9.5 },
    context: { memory: 4, cpu: { cores: 8 } },
    timestamp: T,
    eventId: uid('pm'),
  }),
  error: (): Json => ({
    deviceId: 'kiosk-1',
    severity: 'error',
    category: 'software',
    errorType: 'TypeError',
    message: 'boom',
    stack: 'at x (y.js:1:2)',
    breadcrumbs: [{ timestamp: T, type: 'tap', message: 'pressed', data: { a: 1 } }],
    deviceSnapshot: { os: 'linux', battery: { level: 0.5 } },
    timestamp: T,
    eventId: uid('er'),
  }),
  purchase: (): Json => ({
    sessionId: uid('s'),
    deviceId: 'kiosk-1',
    amounts: { gross: 10, discount: 0, tax: 1, net: 9 },
    currency: 'KRW',
    paymentMethod: 'card',
    timestamp: T,
    eventId: uid('pu'),
  }),
  client_report: (): Json => ({ dropped: { overflow: 1, quota: 2 }, timestamp: T, eventId: uid('cr') }),
  patch: (): Json => ({ status: 'completed', endedAt: T + 60_000, behavior: { totalTaps: 3, totalScrolls: 1, selectionChanges: 0, screenDurations: { home: 3 } }, meta: { done: true } }),
};
type RecordKind = Exclude<keyof typeof VALID, 'patch'>;
const KINDS = Object.keys(VALID).filter((k) => k !== 'patch') as RecordKind[];

/** Valid items whose storage is checked at the end: stored exactly when their request was answered 2xx. */
type TrackedKind = 'progress' | 'ui_event' | 'performance';
interface Tracked {
  kind: TrackedKind;
  eventId: string;
  /** Index in the request's item list, when it is one of several. */
  index?: number;
}
const TRACKED_BUILDERS: Record<TrackedKind, () => Json> = {
  progress: () => ({ ...VALID.progress(), traceId: VALID_TRACE }),
  ui_event: () => ({ ...VALID.ui_event(), deviceId: VALID_DEVICE }),
  performance: () => ({ ...VALID.performance(), deviceId: VALID_DEVICE }),
};

// ---------------------------------------------------------------------------------
// Hostile values

/** Objects with prototype-reserved keys, as JSON text so `__proto__` is an own key. */
const PROTO_PAYLOADS = [
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"__proto__":{"__proto__":{"polluted":1}}}',
  '{"prototype":{"polluted":1}}',
  '{"__proto__":null}',
  '{"__proto__":[1,2]}',
  '{"__proto__":"polluted"}',
  '{"constructor":"polluted"}',
  '{"toString":"polluted","valueOf":1,"hasOwnProperty":null}',
  '{"toJSON":"polluted"}',
  '{"a":{"b":{"__proto__":{"polluted":1}}}}',
  '[{"__proto__":{"polluted":1}},{"constructor":{"prototype":{"polluted":1}}}]',
];
const RESERVED = ['__proto__', 'constructor', 'prototype'] as const;

const NUMBERS = [0, -0, -1, 1.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, -(2 ** 53), 1730561111123, 946684799999, 4102444800000];
const NUMERIC_STRINGS = ['1730561111123', '0', '-1', '1e3', '0x10', 'NaN', 'Infinity', '-Infinity', 'null', 'true', 'undefined', ' 12 ', ''];
const WEIRD_STRINGS = [
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  'a\u202eb',
  '🙂'.repeat(50),
  '\u0000'.repeat(100),
  '<script>alert(1)</script>',
  "'; DROP TABLE progress_events; --",
  '../../etc/passwd',
  '%00',
  '\\',
  '"',
  '__proto__',
  'constructor',
  'hasOwnProperty',
];
/** Tokens spliced into JSON text in place of a value: most are not JSON at all. */
const RAW_TOKENS = ['NaN', 'Infinity', '-Infinity', 'undefined', '1e999', '-1e999', '0x1F', '01', '.5', '+1', '1.', '1e', '--1', '1_000', '"\\ud800"', '"\\u0000"', '"\\x41"', 'true false', '[', '{}}', "'single'", '"\\ud83d\\ude00"'];
const RAW_MARK = '\u0001RAW\u0001';
const rawMarkJson = JSON.stringify(RAW_MARK);

const parse = (text: string) => JSON.parse(text) as unknown;

/** Defines an own, enumerable key, even `__proto__`, so JSON.stringify sends it. */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function nestedValue(r: Rng, depth: number): unknown {
  let v: unknown = r.pick([1, 'x', null, true]);
  for (let i = 0; i < depth; i++) v = r.chance(0.5) ? [v] : { [r.pick(['a', 'b', '__proto__', 'k'])]: v };
  return v;
}

function hostileValue(r: Rng, depth = 0): unknown {
  switch (r.int(11)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(NUMBERS);
    case 3:
      return r.pick(NUMERIC_STRINGS);
    case 4:
      return r.pick(WEIRD_STRINGS);
    case 5:
      return 'x'.repeat(r.pick([65, 129, 1_025, 8_193, 20_000]));
    case 6:
      return depth > 2 ? [] : r.pick([[], {}, [hostileValue(r, depth + 1), hostileValue(r, depth + 1)], { k: hostileValue(r, depth + 1) }]);
    case 7:
      return parse(r.pick(PROTO_PAYLOADS));
    case 8:
      return r.text(r.int(64));
    case 9:
      return nestedValue(r, 9 + r.int(40));
    default:
      return r.pick(['', ' ', 'SUCCESS', 'tap', 'progress', 'KR', 'KRW']);
  }
}

/** Every plain object in `value` (arrays walked), for picking where to break something. */
function objectsIn(value: unknown, out: Json[] = [], depth = 0): Json[] {
  if (depth > 12 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) objectsIn(v, out, depth + 1);
    return out;
  }
  out.push(value as Json);
  for (const v of Object.values(value)) objectsIn(v, out, depth + 1);
  return out;
}

/**
 * Breaks one field of a copy of `record`, somewhere in it: dropped, retyped, made
 * overlong, a number sent as a string, a JSON-in-a-string, an unknown or reserved key
 * added, or a raw token (NaN, 1e999…) spliced in. Returns the value and the raw token.
 */
function mutate(r: Rng, record: Json, only?: (value: Json) => Json[]): { value: Json; raw?: string } {
  const value = structuredClone(record);
  const target = r.pick(only ? only(value) : objectsIn(value));
  const keys = Object.keys(target);
  const key = keys.length > 0 && r.chance(0.85) ? r.pick(keys) : r.pick(['extra', 'kind', 'eventId', ...RESERVED]);
  switch (r.int(8)) {
    case 0:
      delete target[key];
      break;
    case 1:
      defineOwn(target, key, hostileValue(r));
      break;
    case 2:
      defineOwn(target, key, 'x'.repeat(r.pick([65, 129, 8_193, 65_537, 200_000])));
      break;
    case 3:
      defineOwn(target, key, typeof target[key] === 'number' ? String(target[key]) : JSON.stringify(target[key] ?? null));
      break;
    case 4:
      defineOwn(target, r.pick(['extra', 'unknownField', '', ' ', '\u0000', 'a.b', '0']), hostileValue(r));
      break;
    case 5:
      defineOwn(target, r.pick(RESERVED), parse(r.pick(PROTO_PAYLOADS)));
      break;
    case 6: {
      defineOwn(target, key, RAW_MARK);
      return { value, raw: r.pick(RAW_TOKENS) };
    }
    default:
      if (typeof target[key] === 'number') defineOwn(target, key, String(target[key]));
      else defineOwn(target, key, r.pick(NUMBERS));
  }
  return { value };
}

// ---------------------------------------------------------------------------------
// Requests

interface Case {
  family: string;
  method: string;
  path: string;
  /** A function for streamed (chunked) bodies. */
  body?: Buffer | (() => ReadableStream<Uint8Array>);
  /** Content-Type header; undefined sends none. */
  contentType?: string;
  /** Statuses this case must get, when the family knows. */
  expect?: number[];
  /** Items in the body's list, for the accepted + duplicates + rejected check. */
  items?: number;
  tracked?: Tracked[];
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Route {
  method: 'POST' | 'PATCH';
  /** The path, built per case for routes with an id. */
  path: (r: Rng) => string;
  /** The kind of record the route takes; undefined for the envelope and PATCHes. */
  kind?: RecordKind;
  /** Where the route's item list lives: 'items' (envelope), 'events', 'metrics', '' (a bare array), or none. */
  list?: 'items' | 'events' | 'metrics' | '';
  /** Whether the body is read at all (the resolve route ignores it). */
  readsBody: boolean;
}

const SESSION_IDS = Array.from({ length: 8 }, (_, i) => `hostile-session-${i}`);
const ERROR_IDS = Array.from({ length: 8 }, (_, i) => `hostile-error-${i}`);
const HOSTILE_IDS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '..',
  '../..',
  '%00',
  '\u0000',
  '\ud800',
  'a b',
  "' OR 1=1 --",
  '🙂',
  'x'.repeat(129),
  'x'.repeat(4_000),
  ' ',
  'a/b',
  '?x=1',
  '#frag',
];
/** Path segments sent as they are: bad percent-encodings and dot segments. */
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%ff%fe', '%2e%2e', '%2F', '%00', '%u0041', '..%2F..%2Fetc', '%C0%AF'];
const CLEAN_PATH = /^\/api\/(batch|progress|sessions|events\/batch|performance|performance\/batch|errors|sessions\/hostile-session-\d+|errors\/hostile-error-\d+\/resolve)$/;
/** Query strings that try to pollute through a query parser, or pass an empty key. */
const QUERIES = ['?__proto__[polluted]=1', '?constructor[prototype][polluted]=1', '?key=', '?key=%00&key=x', '?a[__proto__][polluted]=1&__proto__.polluted=1', '?%ff=%fe', '?limit=NaN&cursor=%'];
/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, which encodeURIComponent refuses). */
const encodeAll = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const hostileId = (r: Rng) => (r.chance(0.3) ? r.pick(RAW_SEGMENTS) : encodeAll(r.chance(0.5) ? r.pick(HOSTILE_IDS) : r.text(1 + r.int(20))));

const ROUTES: Record<string, Route> = {
  batch: { method: 'POST', path: () => '/api/batch', list: 'items', readsBody: true },
  progress: { method: 'POST', path: () => '/api/progress', kind: 'progress', list: '', readsBody: true },
  sessions: { method: 'POST', path: () => '/api/sessions', kind: 'session', readsBody: true },
  events: { method: 'POST', path: () => '/api/events/batch', kind: 'ui_event', list: 'events', readsBody: true },
  performance: { method: 'POST', path: () => '/api/performance', kind: 'performance', readsBody: true },
  performanceBatch: { method: 'POST', path: () => '/api/performance/batch', kind: 'performance', list: 'metrics', readsBody: true },
  errors: { method: 'POST', path: () => '/api/errors', kind: 'error', readsBody: true },
  patchSession: { method: 'PATCH', path: (r) => `/api/sessions/${r.chance(0.7) ? r.pick(SESSION_IDS) : hostileId(r)}`, readsBody: true },
  resolveError: { method: 'PATCH', path: (r) => `/api/errors/${r.chance(0.5) ? r.pick(ERROR_IDS) : hostileId(r)}/resolve`, readsBody: false },
};
const ROUTE_NAMES = Object.keys(ROUTES);

/** A valid record for a route, with the kind field when it goes into the envelope. */
function validFor(r: Rng, route: Route): Json {
  if (route.method === 'PATCH') return VALID.patch();
  if (route.kind) return VALID[route.kind]();
  const kind = r.pick(KINDS);
  return { kind, ...VALID[kind]() };
}

/** A tracked valid item for a list route, or undefined when the route's kind is not tracked. */
function trackedFor(r: Rng, route: Route): { item: Json; kind: TrackedKind } | undefined {
  const kind: TrackedKind | undefined = route.list === 'items' ? r.pick(['progress', 'ui_event', 'performance'] as const) : (route.kind as TrackedKind | undefined);
  if (!kind || !(kind in TRACKED_BUILDERS)) return undefined;
  const item = TRACKED_BUILDERS[kind]();
  return { item: route.list === 'items' ? { kind, ...item } : item, kind };
}

/** Wraps a list of items into the body a list route takes. */
function wrapList(route: Route, items: unknown[]): Json | unknown[] {
  if (route.list === 'items') return { sentAt: T + 1_000, sdk: { name: 'fuzz', version: '1.0.0' }, items };
  if (route.list === 'events') return { events: items };
  if (route.list === 'metrics') return { metrics: items };
  return items;
}

const json = (value: unknown, raw?: string): Buffer => {
  let text = JSON.stringify(value);
  if (raw !== undefined) text = text.split(rawMarkJson).join(raw);
  return Buffer.from(text);
};
const isJson = (body: Buffer) => {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
};
/** The statuses a POST route may give a body it reads as JSON. */
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8', 'APPLICATION/JSON', undefined];

// ---------------------------------------------------------------------------------
// Families of hostile bodies

/** A list route's body: mutated and hostile items around tracked valid ones, envelope sometimes broken. */
function mixedBatch(r: Rng, route: Route): Case {
  if (route.list === undefined) return mutatedRecord(r, route);
  const items: unknown[] = [];
  const tracked: Tracked[] = [];
  const n = 1 + r.int(40);
  let raw: string | undefined;
  for (let i = 0; i < n; i++) {
    const roll = r.int(10);
    const t = roll < 3 ? trackedFor(r, route) : undefined;
    if (t) {
      tracked.push({ kind: t.kind, eventId: t.item.eventId as string, index: i });
      items.push(t.item);
    } else if (roll < 8) {
      const m = mutate(r, validFor(r, route));
      if (m.raw !== undefined && raw === undefined) raw = m.raw;
      else if (m.raw !== undefined) m.value = validFor(r, route);
      items.push(m.value);
    } else {
      items.push(hostileValue(r));
    }
  }
  let body: Json | unknown[] = wrapList(route, items);
  // Now and then the envelope or its sdk is broken too (never the items, whose fate is tracked).
  const envelopeBroken = !Array.isArray(body) && r.chance(0.15);
  if (envelopeBroken) {
    const m = mutate(r, body as Json, (v) => [v, ...(v.sdk ? [v.sdk as Json] : [])]);
    body = m.value;
    raw ??= m.raw;
  }
  const buf = json(body, raw);
  const parses = isJson(buf);
  return {
    family: 'mixed-batch',
    method: route.method,
    path: route.path(r),
    body: buf,
    contentType: r.pick(JSON_TYPES),
    expect: !parses ? [400] : !envelopeBroken && tracked.length > 0 ? [200] : undefined,
    items: parses && !envelopeBroken ? n : undefined,
    tracked,
  };
}

/** One record, one field broken, to a single-record route (or to a list route as a list of one). */
function mutatedRecord(r: Rng, route: Route): Case {
  if (route.list !== undefined) return mixedBatch(r, route);
  const m = mutate(r, validFor(r, route));
  const buf = json(m.value, m.raw);
  return { family: 'mutated', method: route.method, path: route.path(r), body: buf, contentType: r.pick(JSON_TYPES), expect: route.readsBody && !isJson(buf) ? [400] : undefined };
}

/** A reserved key (`__proto__`, `constructor`, `prototype`) at a random level of an otherwise valid body. */
function protoKeys(r: Rng, route: Route): Case {
  const tracked: Tracked[] = [];
  let body: Json | unknown[];
  let items: number | undefined;
  if (route.list !== undefined) {
    const list: unknown[] = [];
    const n = 1 + r.int(6);
    for (let i = 0; i < n; i++) list.push(validFor(r, route));
    body = wrapList(route, list);
    items = n;
  } else {
    body = validFor(r, route);
  }
  // Anywhere: the envelope, sdk, an item, meta, props, breadcrumbs…
  const targets = objectsIn(body);
  const hits = 1 + r.int(3);
  for (let i = 0; i < hits; i++) defineOwn(r.pick(targets), r.pick(RESERVED), parse(r.pick(PROTO_PAYLOADS)));
  if (r.chance(0.3) && !Array.isArray(body)) defineOwn(body, '__proto__', parse('{"polluted":1}'));
  // A tracked item appended after the damage stays valid; it is stored if the batch is accepted.
  const listOf = (b: Json | unknown[]) => (Array.isArray(b) ? b : route.list ? (b[route.list] as unknown[]) : undefined);
  const list = listOf(body);
  const t = list ? trackedFor(r, route) : undefined;
  if (list && t && Array.isArray(list)) {
    tracked.push({ kind: t.kind, eventId: t.item.eventId as string, index: list.length });
    list.push(t.item);
    items = list.length;
  }
  return { family: 'proto-keys', method: route.method, path: route.path(r), body: json(body), contentType: 'application/json', items, tracked };
}

/** Random bytes, valid JSON with invalid UTF-8 in a string, UTF-16, or a BOM. */
function binaryGarbage(r: Rng, route: Route): Case {
  const base = { family: 'binary', method: route.method, path: route.path(r) };
  const roll = r.int(5);
  if (roll === 0) {
    return { ...base, body: r.bytes(1 + r.int(4_096)), contentType: 'application/octet-stream', expect: route.readsBody ? [415] : undefined };
  }
  if (roll === 1) {
    // Invalid UTF-8 inside a string value of otherwise valid JSON.
    const value = validFor(r, route);
    const target = r.pick(objectsIn(value));
    defineOwn(target, r.pick(Object.keys(target).length > 0 ? Object.keys(target) : ['x']), RAW_MARK);
    const [before, after] = JSON.stringify(value).split(rawMarkJson) as [string, string];
    const junk = Buffer.from(Array.from({ length: 1 + r.int(64) }, () => 0x80 + r.int(0x80)));
    return { ...base, body: Buffer.concat([Buffer.from(`${before}"`), junk, Buffer.from(`"${after}`)]), contentType: r.pick(JSON_TYPES) };
  }
  if (roll === 2) {
    const text = JSON.stringify(validFor(r, route));
    return { ...base, body: Buffer.from(`\ufeff${text}`, r.chance(0.5) ? 'utf16le' : 'utf8'), contentType: r.pick(JSON_TYPES) };
  }
  const bytes = r.bytes(1 + r.int(r.chance(0.1) ? 200_000 : 4_096));
  // Random bytes are never a valid body: at best a bare number or string, which no route takes.
  return { ...base, body: bytes, contentType: r.pick(JSON_TYPES), expect: route.readsBody ? [400] : undefined };
}

/** A valid body with a content type the collector does not read (415), or one it does. */
function contentTypes(r: Rng, route: Route): Case {
  const value = route.list !== undefined ? wrapList(route, [validFor(r, route)]) : validFor(r, route);
  const base = { family: 'content-type', method: route.method, path: route.path(r) };
  const roll = r.int(4);
  if (roll === 0) {
    const boundary = '----waymark';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(value)}\r\n--${boundary}--\r\n`;
    return { ...base, body: Buffer.from(body), contentType: `multipart/form-data; boundary=${boundary}`, expect: route.readsBody ? [415] : undefined };
  }
  if (roll === 1) {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), r.bytes(r.int(2_048))]);
    return { ...base, body: png, contentType: 'image/png', expect: route.readsBody ? [415] : undefined };
  }
  if (roll === 2) {
    const type = r.pick(['application/x-www-form-urlencoded', 'text/html', 'application/xml', 'application/vnd.api+json', 'application/json-patch+json', 'application/octet-stream', '*/*', 'json', 'x']);
    const body = type.includes('urlencoded') ? `payload=${encodeURIComponent(JSON.stringify(value))}&__proto__[polluted]=1&constructor[prototype][polluted]=1` : JSON.stringify(value);
    return { ...base, body: Buffer.from(body), contentType: type, expect: route.readsBody ? [415] : undefined };
  }
  // Accepted spellings, and none at all: a valid body is stored.
  const type = r.pick(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'text/plain', 'text/plain; charset=utf-8', ' application/json ', 'application/json;;;', undefined]);
  return { ...base, body: json(value), contentType: type, expect: route.method === 'POST' ? [200, 201] : undefined };
}

/** Empty and near-empty bodies; JSON values of the wrong shape. */
const EMPTY_BODIES = ['', ' ', '\n\t\r ', 'null', '""', '0', 'true', '[]', '{}', '[[]]', '[{}]', '[null]', '{"":""}', '"{}"', '[[[]]]'];
function emptyBody(r: Rng, route: Route, text: string): Case {
  return { family: 'empty', method: route.method, path: route.path(r), body: Buffer.from(text), contentType: r.pick(JSON_TYPES), expect: route.readsBody ? [400] : undefined };
}

/** Arrays where objects are expected, objects where arrays are, scalars for the envelope's parts. */
function wrongShapes(r: Rng, route: Route): Case {
  const valid = validFor(r, route);
  const candidates: Array<Json | unknown[]> = [[valid], [[valid]], { 0: valid }, { items: valid, sdk: [], events: valid, metrics: 'x' }, { sdk: { name: 'fuzz', version: '1' }, items: { 0: { kind: 'progress' } } }, { events: { length: 1, 0: valid } }, { metrics: [[valid]] }, { sdk: 'fuzz', items: [valid] }, { sdk: { name: ['fuzz'], version: 1 }, items: [valid] }];
  const body = r.pick(candidates);
  const path = route.path(r);
  // A bare array of records is a valid body for /api/progress only.
  const ok = path === '/api/progress' && Array.isArray(body) && body.length === 1 && !Array.isArray(body[0]);
  return { family: 'wrong-shape', method: route.method, path, body: json(body), contentType: 'application/json', expect: route.readsBody && !ok ? [400] : undefined };
}

/** Builds a nesting `depth` levels deep as text, without recursion. */
const deepText = (depth: number, shape: 'array' | 'object') => (shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Hostile nesting: at top level, inside meta/props/context, as an item, in the envelope. */
function deepNesting(r: Rng, route: Route, depth: number, shape: 'array' | 'object', placement: 'top' | 'open' | 'item' | 'envelope'): Case {
  const deep = deepText(depth, shape);
  const base = { family: `deep-${shape}-${depth}-${placement}`, method: route.method, path: route.path(r), contentType: 'application/json' };
  if (placement === 'top') return { ...base, body: Buffer.from(deep), expect: route.readsBody ? [400] : undefined };
  const tracked: Tracked[] = [];
  let value: Json | unknown[];
  if (placement === 'open' || route.list === undefined) {
    const record = validFor(r, route);
    const open = r.pick(objectsIn(record).filter((o) => o !== record)) ?? record;
    open.deep = RAW_MARK;
    value = route.list !== undefined ? wrapList(route, [record]) : record;
  } else if (placement === 'item') {
    const t = trackedFor(r, route);
    const items: unknown[] = [RAW_MARK];
    if (t) {
      tracked.push({ kind: t.kind, eventId: t.item.eventId as string, index: 1 });
      items.push(t.item);
    }
    value = wrapList(route, items);
  } else {
    value = wrapList(route, [validFor(r, route)]);
    if (!Array.isArray(value)) value.extra = RAW_MARK;
    else value.push(RAW_MARK);
  }
  const body = json(value, deep);
  // Tracked items beside the deep one are kept; so is the valid record of a bare array.
  const accepted = tracked.length > 0 || (placement === 'envelope' && route.list === '');
  return { ...base, body, expect: accepted ? [200] : route.readsBody ? [400] : undefined, tracked };
}

/** Bodies sized around the limit: a valid batch padded to exactly LIMIT - k bytes, or over. */
function sized(r: Rng, route: Route, size: number, chunked: boolean): Case {
  const t = route.list !== undefined ? trackedFor(r, route) : undefined;
  const record = t ? t.item : validFor(r, route);
  const open = (record.meta ?? record.props ?? record.context ?? record.deviceSnapshot ?? record) as Json;
  open.pad = '';
  const value = route.list !== undefined ? wrapList(route, [record]) : record;
  const baseLength = JSON.stringify(value).length;
  open.pad = 'x'.repeat(Math.max(0, size - baseLength));
  const buf = json(value);
  const over = buf.length > LIMIT;
  const tracked = t && !over ? [{ kind: t.kind, eventId: t.item.eventId as string, index: 0 }] : [];
  const c: Case = {
    family: `size-${over ? 'over' : 'under'}${chunked ? '-chunked' : ''}`,
    method: route.method,
    path: route.path(r),
    body: buf,
    contentType: 'application/json',
    expect: over ? [413] : route.method === 'POST' ? [200, 201] : undefined,
    tracked,
  };
  if (chunked) {
    c.body = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < buf.length; i += 64 * 1024) controller.enqueue(buf.subarray(i, i + 64 * 1024));
          controller.close();
        },
      });
  }
  return c;
}

/** A field with a length limit given a string near the body limit. */
function hugeField(r: Rng, route: Route): Case {
  const record = validFor(r, route);
  const keys = Object.keys(record).filter((k) => typeof record[k] === 'string');
  record[keys.length > 0 ? r.pick(keys) : 'x'] = 'y'.repeat(900_000 + r.int(100_000));
  const value = route.list !== undefined ? wrapList(route, [record]) : record;
  const buf = json(value);
  return { family: 'huge-field', method: route.method, path: route.path(r), body: buf, contentType: 'application/json', expect: buf.length > LIMIT ? [413] : route.readsBody ? [400] : undefined };
}

/** Lists of 10,000 items (over the 5,000 limit) and of 5,000 mostly broken ones with valid ones among them. */
function bigList(r: Rng, route: Route, n: number): Case {
  const tracked: Tracked[] = [];
  const items: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const t = n <= 5_000 && i % 5 === 0 ? trackedFor(r, route) : undefined;
    if (t) {
      tracked.push({ kind: t.kind, eventId: t.item.eventId as string, index: i });
      items.push(t.item);
    } else {
      items.push(r.pick([0, null, '', {}, [], 'x', { kind: 'progress' }, { kind: '__proto__' }, { kind: 'constructor' }, { kind: 'toString' }]));
    }
  }
  const buf = json(wrapList(route, items));
  return {
    family: `list-${n}`,
    method: route.method,
    path: route.path(r),
    body: buf,
    contentType: 'application/json',
    expect: buf.length > LIMIT ? [413] : n > 5_000 ? [400] : tracked.length > 0 ? [200] : [400],
    items: n <= 5_000 ? n : undefined,
    tracked,
  };
}

/** 10,000 entries inside an open object (meta, props…): over its key budget. */
function wideOpenObject(r: Rng, route: Route): Case {
  const record = validFor(r, route);
  const open = r.pick(objectsIn(record).filter((o) => o !== record)) ?? record;
  open.list = Array.from({ length: 10_000 }, (_, i) => i);
  if (r.chance(0.5)) for (let i = 0; i < 10_000; i++) open[`k${i}`] = i;
  const value = route.list !== undefined ? wrapList(route, [record]) : record;
  return { family: 'wide-open-object', method: route.method, path: route.path(r), body: json(value), contentType: 'application/json', expect: route.readsBody ? [400] : undefined };
}

/** Tens of thousands of unknown keys: one field error each. */
function manyKeys(r: Rng, route: Route): Case {
  const record = validFor(r, route);
  for (let i = 0; i < 40_000; i++) record[`u${i}`] = i;
  const value = route.list !== undefined ? wrapList(route, [record]) : record;
  return { family: 'many-keys', method: route.method, path: route.path(r), body: json(value), contentType: 'application/json', expect: route.readsBody ? [400] : undefined };
}

/** Methods the ingest paths do not serve. */
function wrongMethod(r: Rng): Case {
  const [method, path] = r.pick([
    ['PUT', '/api/batch'],
    ['DELETE', '/api/progress'],
    ['PATCH', '/api/batch'],
    ['PUT', '/api/events/batch'],
    ['DELETE', '/api/performance/batch'],
    ['PUT', '/api/errors'],
    ['POST', `/api/sessions/${SESSION_IDS[0]}`],
    ['POST', `/api/errors/${ERROR_IDS[0]}/resolve`],
    ['PUT', `/api/sessions/${SESSION_IDS[1]}`],
  ] as const);
  return { family: 'wrong-method', method, path, body: json(parse(r.pick(PROTO_PAYLOADS))), contentType: 'application/json', expect: [405] };
}

function generateCases(): Case[] {
  const r = new Rng(SEED);
  const cases: Case[] = [];
  const routes = ROUTE_NAMES.map((name) => ROUTES[name]!);
  // The heavy families: a few of each per route.
  for (const route of routes) {
    for (const depth of [1_000, 10_000, 100_000]) {
      for (const shape of ['array', 'object'] as const) {
        for (const placement of ['top', 'open', 'item', 'envelope'] as const) {
          if ((placement === 'item' || placement === 'envelope') && route.list === undefined) continue;
          cases.push(deepNesting(r, route, depth, shape, placement));
        }
      }
    }
    for (const size of [LIMIT - 1_000, LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 1_000, 2 * LIMIT, 5 * LIMIT]) {
      cases.push(sized(r, route, size, false));
      if (size === LIMIT || size === 2 * LIMIT) cases.push(sized(r, route, size, true));
    }
    cases.push(hugeField(r, route), hugeField(r, route));
    if (route.list !== undefined) cases.push(bigList(r, route, 10_000), bigList(r, route, 5_000), bigList(r, route, 1_000));
    cases.push(wideOpenObject(r, route), wideOpenObject(r, route), manyKeys(r, route));
    for (const text of EMPTY_BODIES) cases.push(emptyBody(r, route, text));
  }
  // The cheap families, at random, to past 3,000 in all.
  const families = [mixedBatch, mutatedRecord, mutatedRecord, protoKeys, binaryGarbage, contentTypes, wrongShapes];
  while (cases.length < 3_300) {
    if (r.chance(0.01)) {
      cases.push(wrongMethod(r));
      continue;
    }
    cases.push(r.pick(families)(r, r.pick(routes)));
  }
  for (const c of cases) if (r.chance(0.05)) c.path += r.pick(QUERIES);
  // A hostile id may decode to a path no route serves: 404 or 405 come before the body is read.
  for (const c of cases) if (c.expect && !CLEAN_PATH.test(c.path)) c.expect = [...c.expect, 404, 405];
  return cases;
}

// ---------------------------------------------------------------------------------
// Sending and checking

async function sendCase(url: string, c: Case): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  const init: RequestInit & { duplex?: 'half' } = { method: c.method, headers };
  if (typeof c.body === 'function') {
    init.body = c.body();
    init.duplex = 'half';
  } else if (c.body !== undefined) {
    init.body = c.body;
  }
  const res = await fetch(`${url}${c.path}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** What is wrong with an answer, or undefined. */
function problemWith(c: Case, a: Answer): string | undefined {
  if (a.status >= 500) return `status ${a.status}: ${a.text.slice(0, 300)}`;
  if (!/^application\/json\b/.test(a.headers.get('content-type') ?? '')) return `content-type ${a.headers.get('content-type')} (status ${a.status})`;
  let body: any;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `answer is not JSON: ${a.text.slice(0, 200)}`;
  }
  if (c.expect && !c.expect.includes(a.status)) return `expected ${c.expect.join('|')}, got ${a.status}: ${a.text.slice(0, 300)}`;
  if (a.status >= 400) {
    if (typeof body?.error?.code !== 'string') return `${a.status} without error.code`;
    if (a.status !== 404 && a.status !== 405) {
      const errors = body.error.errors;
      if (!Array.isArray(errors) || errors.length === 0) return `${a.status} without error.errors: ${a.text.slice(0, 200)}`;
      const bad = errors.find((e: any) => typeof e?.path !== 'string' || typeof e?.rule !== 'string' || e.rule === '' || typeof e?.message !== 'string');
      if (bad) return `${a.status} with an error lacking path/rule/message: ${JSON.stringify(bad)}`;
    }
    if (a.status === 413 && a.headers.get('connection') !== 'close') return '413 without Connection: close';
  }
  if (a.status === 200 && c.items !== undefined) {
    const { accepted, duplicates, rejected } = body ?? {};
    if (typeof accepted !== 'number' || typeof duplicates !== 'number' || !Array.isArray(rejected)) return `200 without a batch result: ${a.text.slice(0, 200)}`;
    if (accepted + duplicates + rejected.length !== c.items) return `accepted ${accepted} + duplicates ${duplicates} + rejected ${rejected.length} ≠ ${c.items} items`;
    const rejectedIndexes = new Set(rejected.map((x: { index: number }) => x.index));
    const lost = c.tracked?.find((t) => t.index !== undefined && rejectedIndexes.has(t.index));
    if (lost) return `valid item ${lost.index} was rejected: ${JSON.stringify(rejected.find((x: { index: number }) => x.index === lost.index))}`;
  }
  return undefined;
}

async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Every record of a list route, page by page. */
async function listAll(url: string, path: string): Promise<Array<{ eventId: string }>> {
  const out: Array<{ eventId: string }> = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${url}${path}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Array<{ eventId: string }>; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

// ---------------------------------------------------------------------------------

describe('hostile input', () => {
  let dir: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-hostile-'));
    collector = await startCollector({ host: '127.0.0.1', port: 0, db: join(dir, 'hostile.db'), log: false });
    // Targets for the PATCH routes.
    for (const sessionId of SESSION_IDS) {
      const res = await fetch(`${collector.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...VALID.session(), sessionId }) });
      expect(res.status).toBe(201);
    }
    for (const eventId of ERROR_IDS) {
      const res = await fetch(`${collector.url}/api/errors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...VALID.error(), eventId }) });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await collector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('thousands of random malformed and hostile bodies to every ingest route: no 5xx, no crash, no prototype pollution', async () => {
    const cases = generateCases();
    expect(cases.length).toBeGreaterThanOrEqual(3_000);

    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const expected: Record<TrackedKind, Set<string>> = { progress: new Set(), ui_event: new Set(), performance: new Set() };
    let trackedSent = 0;

    await runPool(cases, CONCURRENCY, async (c) => {
      let answer: Answer;
      try {
        answer = await sendCase(collector.url, c);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        problems.push(`${c.family} ${c.method} ${c.path}: request failed: ${String(error)}${cause ? ` (${String(cause)})` : ''}`);
        return;
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const problem = problemWith(c, answer);
      if (problem) problems.push(`${c.family} ${c.method} ${c.path}: ${problem}`);
      trackedSent += c.tracked?.length ?? 0;
      if (answer.status >= 200 && answer.status < 300) for (const t of c.tracked ?? []) expected[t.kind].add(t.eventId);
    });

    // Nothing leaked onto the prototypes.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectKeysBefore);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayKeysBefore);

    expect({ problems: problems.length, first: problems.slice(0, 20) }).toEqual({ problems: 0, first: [] });
    // Every kind of answer showed up, so the families reached what they aimed at.
    for (const status of [200, 201, 400, 404, 405, 413, 415]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);

    // Still serving.
    const health = await fetch(`${collector.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);

    // The valid items of accepted requests were stored, and nothing else under their names.
    expect(expected.progress.size + expected.ui_event.size + expected.performance.size).toBeGreaterThan(1_000);
    expect(trackedSent).toBeGreaterThan(expected.progress.size);
    const stored = {
      progress: await listAll(collector.url, `/api/progress?traceId=${VALID_TRACE}`),
      ui_event: await listAll(collector.url, `/api/events?deviceId=${VALID_DEVICE}`),
      performance: await listAll(collector.url, `/api/performance?deviceId=${VALID_DEVICE}`),
    };
    for (const kind of ['progress', 'ui_event', 'performance'] as const) {
      const ids = stored[kind].map((x) => x.eventId);
      expect(new Set(ids).size, `${kind}: no record twice`).toBe(ids.length);
      expect([...ids].sort(), `${kind}: stored = acknowledged`).toEqual([...expected[kind]].sort());
    }

    // Everything that was stored, hostile-but-valid content and the quarantine included, reads back.
    const readBack: Record<string, number> = {};
    for (const path of ['/api/progress?', '/api/sessions?', '/api/events?', '/api/performance?', '/api/errors?', '/api/rejected?']) {
      readBack[path] = (await listAll(collector.url, path)).length;
    }
    expect(readBack['/api/rejected?']).toBeGreaterThan(1_000);

    console.info(
      `hostile input: ${cases.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, ` +
        `valid items stored ${expected.progress.size}/${expected.ui_event.size}/${expected.performance.size} (progress/ui/perf), read back ${JSON.stringify(readBack)}`,
    );
  });
});
