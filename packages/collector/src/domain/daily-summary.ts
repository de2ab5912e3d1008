/**
 * Seed 002 Phase 4: per calendar day and device, what the device's sessions,
 * purchases, performance metrics and error reports add up to.
 *
 * A day is a calendar day in the collector's time zone. A session belongs to the
 * day of its `startedAt`; a purchase, metric or error report to the day of its
 * `timestamp` (the device's clock). A device has a summary for a day when it has at
 * least one such record that day. Its storeId / groupId / countryCode are those of
 * its latest session started before the day's end, that day's or an earlier one.
 */
import { ERROR_CATEGORIES, ERROR_SEVERITIES, SESSION_STATUSES, type MetricType } from '@waymark/protocol/types';
import type { DailyRecords, DailySummary, DevicePlace, MetricSummary } from '../store/analytics.js';
import type { Store } from '../store/store.js';
import { nearestRank } from './percentiles.js';
import { dayRange } from './time-zone.js';

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Counts, most first, then by name: the same records always give the same order. */
const ranked = (counts: Map<string, number>) => [...counts].sort(([a, x], [b, y]) => y - x || byName(a, b));
const bump = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

function emptySummary(date: string, deviceId: string, timeZone: string, place: DevicePlace | undefined, aggregatedAt: number): DailySummary {
  return {
    date,
    deviceId,
    timeZone,
    storeId: place?.storeId ?? null,
    groupId: place?.groupId ?? null,
    countryCode: place?.countryCode ?? null,
    sessions: { total: 0, byStatus: zeros(SESSION_STATUSES) },
    funnel: { stages: [], reached: [], exitStages: [] },
    conversionRate: null,
    behavior: { sessions: 0, totalTaps: 0, totalScrolls: 0, selectionChanges: 0 },
    revenue: { purchases: 0, byCurrency: [], byPaymentMethod: [] },
    performance: {},
    errors: { total: 0, bySeverity: zeros(ERROR_SEVERITIES), byCategory: zeros(ERROR_CATEGORIES) },
    aggregatedAt,
  };
}

export interface SummarizeOptions {
  date: string;
  timeZone: string;
  /** Device → place; devices missing from it get nulls. */
  places: ReadonlyMap<string, DevicePlace>;
  aggregatedAt: number;
}

/** The summaries of one day's records, one per device, ordered by device id. */
export function summarizeDay(records: DailyRecords, o: SummarizeOptions): DailySummary[] {
  const devices = new Set<string>();
  for (const list of [records.sessions, records.purchases, records.performance, records.errors]) for (const r of list) devices.add(r.deviceId);
  const out = new Map([...devices].sort(byName).map((d) => [d, emptySummary(o.date, d, o.timeZone, o.places.get(d), o.aggregatedAt)]));
  const of = (deviceId: string) => out.get(deviceId)!;

  const stages = new Map<string, Map<string, number>>();
  const exits = new Map<string, Map<string, number>>();
  for (const s of records.sessions) {
    const sum = of(s.deviceId);
    sum.sessions.total++;
    sum.sessions.byStatus[s.status]++;
    const f = s.funnel;
    if (f) {
      const mine = stages.get(s.deviceId) ?? stages.set(s.deviceId, new Map()).get(s.deviceId)!;
      // A stage entered twice (backing out and coming again) counts the session once.
      for (const stage of new Set(f.stages?.map((t) => t.stage))) bump(mine, stage);
      for (let k = 0; k < (f.reached ?? 0); k++) sum.funnel.reached[k] = (sum.funnel.reached[k] ?? 0) + 1;
      if (f.exitStage) bump(exits.get(s.deviceId) ?? exits.set(s.deviceId, new Map()).get(s.deviceId)!, f.exitStage);
    }
    if (s.behavior) {
      sum.behavior.sessions++;
      sum.behavior.totalTaps += s.behavior.totalTaps;
      sum.behavior.totalScrolls += s.behavior.totalScrolls;
      sum.behavior.selectionChanges += s.behavior.selectionChanges;
    }
  }
  for (const [deviceId, m] of stages) of(deviceId).funnel.stages = ranked(m).map(([stage, sessions]) => ({ stage, sessions }));
  for (const [deviceId, m] of exits) of(deviceId).funnel.exitStages = ranked(m).map(([stage, sessions]) => ({ stage, sessions }));
  for (const sum of out.values()) {
    if (sum.sessions.total) sum.conversionRate = sum.sessions.byStatus.completed / sum.sessions.total;
  }

  // Purchases are read in arrival order, so a re-run adds the same amounts in the same order.
  const currencies = new Map<string, Map<string, { purchases: number; net: number }>>();
  const methods = new Map<string, Map<string, { purchases: number; net: number }>>();
  const add = (m: Map<string, Map<string, { purchases: number; net: number }>>, deviceId: string, key: string, net: number) => {
    const d = m.get(deviceId) ?? m.set(deviceId, new Map()).get(deviceId)!;
    const v = d.get(key) ?? d.set(key, { purchases: 0, net: 0 }).get(key)!;
    v.purchases++;
    v.net += net;
  };
  for (const p of records.purchases) {
    of(p.deviceId).revenue.purchases++;
    add(currencies, p.deviceId, p.currency, p.net);
    add(methods, p.deviceId, JSON.stringify([p.paymentMethod, p.currency]), p.net);
  }
  for (const [deviceId, m] of currencies) {
    of(deviceId).revenue.byCurrency = [...m].sort(([a], [b]) => byName(a, b)).map(([currency, v]) => ({ currency, ...v }));
  }
  for (const [deviceId, m] of methods) {
    // By currency, then the largest net first.
    of(deviceId).revenue.byPaymentMethod = [...m]
      .map(([key, v]) => {
        const [paymentMethod, currency] = JSON.parse(key) as [string, string];
        return { paymentMethod, currency, ...v };
      })
      .sort((a, b) => byName(a.currency, b.currency) || b.net - a.net || byName(a.paymentMethod, b.paymentMethod));
  }

  const durations = new Map<string, Map<MetricType, { values: number[]; failed: number }>>();
  for (const p of records.performance) {
    const d = durations.get(p.deviceId) ?? durations.set(p.deviceId, new Map()).get(p.deviceId)!;
    const v = d.get(p.metricType) ?? d.set(p.metricType, { values: [], failed: 0 }).get(p.metricType)!;
    v.values.push(p.durationMs);
    if (!p.success) v.failed++;
  }
  for (const [deviceId, d] of durations) {
    const perf: Partial<Record<MetricType, MetricSummary>> = {};
    for (const [type, { values, failed }] of [...d].sort(([a], [b]) => byName(a, b))) {
      values.sort((a, b) => a - b);
      perf[type] = { count: values.length, failed, p50Ms: nearestRank(values, 0.5)!, p95Ms: nearestRank(values, 0.95)!, p99Ms: nearestRank(values, 0.99)! };
    }
    of(deviceId).performance = perf;
  }

  for (const e of records.errors) {
    const errors = of(e.deviceId).errors;
    errors.total++;
    errors.bySeverity[e.severity]++;
    errors.byCategory[e.category]++;
  }
  return [...out.values()];
}

export interface AggregateOptions {
  /** `YYYY-MM-DD` in `timeZone`. */
  date: string;
  timeZone: string;
  /** When the figures are computed (epoch ms). */
  now: number;
}

export interface AggregateResult {
  date: string;
  timeZone: string;
  /** The instants the day spans: [from, to). */
  from: number;
  to: number;
  /** The rows written, one per device. */
  items: DailySummary[];
}

/**
 * Computes one day's summaries and stores them in place of that day's previous
 * ones. Idempotent: run again over the same records, it writes the same figures
 * (only `aggregatedAt` moves), and a device whose records have gone loses its row.
 */
export async function aggregateDay(store: Store, o: AggregateOptions): Promise<AggregateResult> {
  const { from, to } = dayRange(o.date, o.timeZone);
  const records = await store.dailyRecords({ from, to });
  const devices = [...new Set([records.sessions, records.purchases, records.performance, records.errors].flatMap((l) => l.map((r) => r.deviceId)))];
  const places = await store.devicePlaces(devices, to);
  const items = summarizeDay(records, { date: o.date, timeZone: o.timeZone, places, aggregatedAt: o.now });
  await store.replaceDailySummaries(o.date, items);
  return { date: o.date, timeZone: o.timeZone, from, to, items };
}
