/**
 * DROPPED detection (seed 000 §5: an unintended stall, found by timeout). A journey
 * that is not terminal and has had no event for its timeout gets a DROPPED progress
 * event, stored through the normal ingest path like any other.
 *
 * Exactly once per stall: the event's id is derived from the trace and the event it
 * stalled after, so a second sweep, a concurrent sweep of another collector on the
 * same database, or a sweep after a restart finds it stored already.
 */
import { createHash } from 'node:crypto';
import { EPOCH_MS_MAX } from '@waymark/protocol';
import type { ProgressEvent } from '@waymark/protocol/types';
import { ingestBatch, type KindCounts } from '../ingest/ingest.js';
import type { StaleTraceQuery, Store, TraceState } from '../store/store.js';

/** Default timeout of a journey step: seed 000's example, "OCR 후 2분간 입력 없음" (no input for two minutes). */
export const DEFAULT_DROP_TIMEOUT_MS = 120_000;

/**
 * Timeouts in ms after which an open journey counts as DROPPED: a default, and per
 * service either one number or a default and per-step values (the step the journey
 * is at). The most specific one applies.
 */
export interface DropTimeouts {
  default?: number;
  services?: Record<string, number | { default?: number; steps?: Record<string, number> }>;
}

/** DropTimeouts, resolved. */
export interface DropRules {
  defaultMs: number;
  services: Map<string, { defaultMs?: number; steps: Map<string, number> }>;
}

export function dropRules(t: DropTimeouts = {}): DropRules {
  const services = new Map<string, { defaultMs?: number; steps: Map<string, number> }>();
  for (const [service, v] of Object.entries(t.services ?? {})) {
    services.set(service, typeof v === 'number' ? { defaultMs: v, steps: new Map() } : { defaultMs: v.default, steps: new Map(Object.entries(v.steps ?? {})) });
  }
  return { defaultMs: t.default ?? DEFAULT_DROP_TIMEOUT_MS, services };
}

/** The timeout of a journey at `step` in `service`. */
export function timeoutFor(rules: DropRules, service: string, step: string): number {
  const s = rules.services.get(service);
  return s?.steps.get(step) ?? s?.defaultMs ?? rules.defaultMs;
}

/**
 * The queries that find every stalled journey exactly under its own timeout: one per
 * (service, step) setting, one per service for its other steps, one for the other services.
 */
export function staleQueries(rules: DropRules): Array<{ timeoutMs: number; query: Pick<StaleTraceQuery, 'service' | 'step' | 'exceptServices' | 'exceptSteps'> }> {
  const out: Array<{ timeoutMs: number; query: Pick<StaleTraceQuery, 'service' | 'step' | 'exceptServices' | 'exceptSteps'> }> = [];
  for (const [service, s] of rules.services) {
    for (const [step, timeoutMs] of s.steps) out.push({ timeoutMs, query: { service, step } });
    out.push({ timeoutMs: s.defaultMs ?? rules.defaultMs, query: { service, exceptSteps: [...s.steps.keys()] } });
  }
  out.push({ timeoutMs: rules.defaultMs, query: { exceptServices: [...rules.services.keys()] } });
  return out;
}

/** The id of the DROPPED event of the stall after `lastEventId`: the same for every sweep that finds this stall. */
export function droppedEventId(traceId: string, lastEventId: string): string {
  return `dropped_${createHash('sha256').update(traceId).update('\0').update(lastEventId).digest('base64url').slice(0, 32)}`;
}

/**
 * The DROPPED event of a stalled journey. Its timestamp is on the journey's own clock:
 * the last event's timestamp plus the time the collector waited since that event
 * arrived, so it comes after the last event even when the device clock is off, and the
 * stalled step's dwell time is the wait.
 */
export function droppedEvent(t: TraceState, now: number, timeoutMs: number): ProgressEvent & { eventId: string } {
  const idleMs = now - t.lastReceivedAt;
  return {
    traceId: t.traceId,
    service: t.service,
    step: 'DROPPED',
    status: 'DROPPED',
    reason: 'TIMEOUT',
    meta: { lastStep: t.step, lastStatus: t.status, lastEventId: t.lastEventId, timeoutMs, idleMs },
    timestamp: Math.min(t.lastTimestamp + idleMs, EPOCH_MS_MAX),
    eventId: droppedEventId(t.traceId, t.lastEventId),
  };
}

/** What a sweep of journeys did. */
export interface DropOutcome {
  /** DROPPED events stored by this sweep (a stall another sweep stored first is not counted). */
  dropped: number;
  /** Item counts for the metrics, as a request reports them. */
  counts: KindCounts;
}

/** Route name under which the sweeper's writes are recorded (quarantine, logs). */
export const SWEEPER_ROUTE = '(sweeper)';
const PAGE = 500;

/**
 * Stores a DROPPED event for every open journey with no event for its timeout at
 * `now`. Nothing could arrive before `since` (when the collector started: clients kept
 * their events while it was down), so the wait counts from then at the earliest.
 */
export async function dropStalledJourneys(store: Store, rules: DropRules, now: number, since = -Infinity): Promise<DropOutcome> {
  const outcome: DropOutcome = { dropped: 0, counts: {} };
  const seen = new Set<string>();
  for (const { timeoutMs, query } of staleQueries(rules)) {
    if (now - since < timeoutMs) continue;
    for (;;) {
      const page = await store.staleTraces({ ...query, lastReceivedAtMost: now - timeoutMs, limit: PAGE });
      // A journey still open after its DROPPED event was offered (refused, or stored by another sweep since) is not offered again.
      const fresh = page.filter((t) => !seen.has(t.traceId));
      if (fresh.length === 0) break;
      for (const t of fresh) seen.add(t.traceId);
      const { result, counts } = await ingestBatch(store, fresh.map((t) => droppedEvent(t, now, timeoutMs)), { route: SWEEPER_ROUTE, receivedAt: now }, 'progress');
      outcome.dropped += result.accepted;
      for (const [kind, c] of Object.entries(counts) as Array<[keyof KindCounts, NonNullable<KindCounts[keyof KindCounts]>]>) {
        const total = (outcome.counts[kind] ??= { accepted: 0, duplicates: 0, rejected: 0 });
        total.accepted += c.accepted;
        total.duplicates += c.duplicates;
        total.rejected += c.rejected;
      }
      if (page.length < PAGE) break;
    }
  }
  return outcome;
}
