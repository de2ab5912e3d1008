import { bottleneckTally, type BottleneckReport } from '../../domain/bottlenecks.js';
import { stepRanks, traceLevel, type FunnelEvent, type TraceLevel } from '../../domain/funnel.js';
import { funnelAnswer, type FunnelAnswer, type FunnelQuery } from '../../domain/funnel-query.js';
import type { BottleneckEventRow } from '../analytics.js';
import type { EventColumns } from './event-columns.js';

/** What `GET /api/bottlenecks` asks of the store. */
export interface BottleneckColumnsQuery {
  service: string;
  from?: number;
  to?: number;
  timeZone: string;
}

/**
 * The funnel and bottleneck queries over the columns. Each walks the journeys whose
 * time span meets the range, one at a time, and hands that journey's events to the
 * domain's own per-journey functions (`traceLevel`, the bottleneck tally), so the
 * semantics stay in one place; only one journey's events are objects at a time.
 */

/** A funnel: the level of every journey with an event of its steps in range. */
export function funnelOverColumns(c: EventColumns, q: FunnelQuery): FunnelAnswer {
  const from = q.from ?? 0;
  const to = q.to ?? Number.MAX_SAFE_INTEGER;
  const levels: TraceLevel[] = [];
  const service = c.text.find(q.service);
  if (service !== undefined) {
    const stepOf = q.stepField === 'meta.subType' ? c.subType : c.step;
    const wanted = new Set<number>();
    for (const s of q.steps) {
      const code = c.text.find(s);
      if (code !== undefined) wanted.add(code);
    }
    const groups = q.breakdown ? c.metaColumn(q.breakdown.slice('meta.'.length)) : undefined;
    const ranks = stepRanks(q.steps);
    const events: FunnelEvent[] = [];
    for (let t = 0; t < c.traces; t++) {
      if (c.traceMax[t]! < from || c.traceMin[t]! > to) continue;
      events.length = 0;
      for (let i = c.traceFirst[t]!; i !== -1; i = c.next[i]!) {
        if (i < c.start || c.service[i] !== service || !wanted.has(stepOf[i]!)) continue;
        const timestamp = c.timestamp[i]!;
        if (timestamp < from || timestamp > to) continue;
        events.push({ traceId: '', step: c.text.names[stepOf[i]!]!, timestamp, group: groups ? c.text.name(groups[i]!) : null });
      }
      if (events.length) levels.push(traceLevel(events, q.steps, q.window, ranks));
    }
  }
  return funnelAnswer(q, levels);
}

/** Bottlenecks: every journey's events of the service in range, in (timestamp, arrival) order. */
export function bottlenecksOverColumns(c: EventColumns, q: BottleneckColumnsQuery): BottleneckReport {
  const from = q.from ?? 0;
  const to = q.to ?? Number.MAX_SAFE_INTEGER;
  const tally = bottleneckTally(q.timeZone);
  const service = c.text.find(q.service);
  if (service === undefined) return tally.report();
  const events: BottleneckEventRow[] = [];
  for (let t = 0; t < c.traces; t++) {
    if (c.traceMax[t]! < from || c.traceMin[t]! > to) continue;
    events.length = 0;
    for (let i = c.traceFirst[t]!; i !== -1; i = c.next[i]!) {
      if (i < c.start || c.service[i] !== service) continue;
      const timestamp = c.timestamp[i]!;
      if (timestamp < from || timestamp > to) continue;
      events.push({
        traceId: '',
        step: c.text.names[c.step[i]!]!,
        status: c.statusOf(i),
        reason: c.text.name(c.reason[i]!),
        timestamp,
        lastStep: c.text.name(c.lastStep[i]!),
      });
    }
    // A stable sort: equal timestamps stay in arrival order.
    if (events.length > 1) events.sort((a, b) => a.timestamp - b.timestamp);
    if (events.length) tally.addTrace(events);
  }
  return tally.report();
}
