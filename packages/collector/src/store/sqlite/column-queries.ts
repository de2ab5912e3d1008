import { BottleneckTally, type BottleneckReport } from '../../domain/bottlenecks.js';
import { ChainFinder, FunnelTally, stepRanks } from '../../domain/funnel.js';
import { funnelAnswerOf, type FunnelAnswer, type FunnelQuery } from '../../domain/funnel-query.js';
import { NONE, type EventColumns } from './event-columns.js';

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
 * domain's own per-journey machinery (`ChainFinder`, `BottleneckTally`), so the
 * semantics stay in one place, as numbers: no event becomes an object.
 */

/** A funnel: the level of every journey with an event of its steps in range. */
export function funnelOverColumns(c: EventColumns, q: FunnelQuery): FunnelAnswer {
  const from = q.from ?? 0;
  const to = q.to ?? Number.MAX_SAFE_INTEGER;
  const all = new FunnelTally(q.steps.length);
  const groups = new Map<string | null, FunnelTally>();
  const service = c.text.find(q.service);
  if (service !== undefined) {
    const stepOf = q.stepField === 'meta.subType' ? c.subType : c.step;
    // An event's rank in the funnel by its step code: the first position of its step; none for other steps.
    const ranks = stepRanks(q.steps);
    const rankOf = new Map<number, number>();
    for (const [step, rank] of ranks) {
      const code = c.text.find(step);
      if (code !== undefined) rankOf.set(code, rank);
    }
    const groupOf = q.breakdown ? c.metaColumn(q.breakdown.slice('meta.'.length)) : undefined;
    const finder = new ChainFinder(q.steps, q.window, ranks);
    const { traceFirst, traceMin, traceMax, traceServices, next, timestamp, seq, service: services } = c;
    const firstSeq = c.firstSeq;
    const bit = c.serviceBit(service);
    /** The event of each push, for the group of the chain's step-1 event. */
    const pushed: number[] = [];
    for (let t = 0; t < c.traces; t++) {
      if ((traceServices[t]! & bit) === 0 || traceMax[t]! < from || traceMin[t]! > to) continue;
      pushed.length = 0;
      for (let i = traceFirst[t]!; i !== -1; i = next[i]!) {
        if (services[i] !== service || seq[i]! < firstSeq) continue;
        const ts = timestamp[i]!;
        if (ts < from || ts > to) continue;
        const rank = rankOf.get(stepOf[i]!);
        if (rank === undefined) continue;
        finder.push(ts, rank);
        pushed.push(i);
      }
      if (pushed.length === 0) continue;
      const level = finder.solve();
      if (level === 0) continue;
      all.add(level, finder.times);
      if (!groupOf) continue;
      const g = c.text.name(groupOf[pushed[finder.start]!]!);
      let tally = groups.get(g);
      if (!tally) groups.set(g, (tally = new FunnelTally(q.steps.length)));
      tally.add(level, finder.times);
    }
  }
  return funnelAnswerOf(q, all, groups);
}

/** Bottlenecks: every journey's events of the service in range. */
export function bottlenecksOverColumns(c: EventColumns, q: BottleneckColumnsQuery): BottleneckReport {
  const from = q.from ?? 0;
  const to = q.to ?? Number.MAX_SAFE_INTEGER;
  const tally = new BottleneckTally(q.timeZone, c.text.names, c.text.find('DROPPED') ?? NONE);
  const service = c.text.find(q.service);
  if (service === undefined) return tally.report();
  const hours = c.hoursIn(q.timeZone);
  const { traceFirst, traceMin, traceMax, traceServices, next, timestamp, seq, step, status, reason, lastStep, service: services } = c;
  const firstSeq = c.firstSeq;
  const bit = c.serviceBit(service);
  for (let t = 0; t < c.traces; t++) {
    if ((traceServices[t]! & bit) === 0 || traceMax[t]! < from || traceMin[t]! > to) continue;
    let pushed = 0;
    for (let i = traceFirst[t]!; i !== -1; i = next[i]!) {
      if (services[i] !== service || seq[i]! < firstSeq) continue;
      const ts = timestamp[i]!;
      if (ts < from || ts > to) continue;
      tally.push(ts, hours[i]!, step[i]!, status[i]!, reason[i]!, lastStep[i]!);
      pushed++;
    }
    if (pushed) tally.endTrace();
  }
  return tally.report();
}
