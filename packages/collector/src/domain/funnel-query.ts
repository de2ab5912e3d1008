import type { Store } from '../store/store.js';
import { FunnelTally, type FunnelStep, type TraceLevel } from './funnel.js';

/** A funnel question, as `GET /api/funnel` asks it. */
export interface FunnelQuery {
  service: string;
  steps: string[];
  window: number;
  from?: number;
  to?: number;
  /** `meta.<key>` to break the funnel down by. */
  breakdown?: string;
  /** Where an event's step is read: `step` (default) or `meta.subType`. */
  stepField?: 'step' | 'meta.subType';
}

/** The answer: the funnel over every trace, and per breakdown value if one was asked for. */
export interface FunnelAnswer {
  service: string;
  steps: string[];
  windowMs: number;
  stepField: 'step' | 'meta.subType';
  from: number | null;
  to: number | null;
  funnel: FunnelStep[];
  breakdown?: { key: string; groups: Array<{ value: string | null; funnel: FunnelStep[] }> };
}

/**
 * The answer from the tally of every trace and those of each breakdown group. A trace
 * falls in the group of its chain's step-1 event; traces that never reach step 1 are
 * in no group. Groups come largest first, then by value (none last).
 */
export function funnelAnswerOf(q: FunnelQuery, all: FunnelTally, groups?: ReadonlyMap<string | null, FunnelTally>): FunnelAnswer {
  const stepField = q.stepField ?? 'step';
  const answer: FunnelAnswer = { service: q.service, steps: q.steps, windowMs: q.window, stepField, from: q.from ?? null, to: q.to ?? null, funnel: all.report(q.steps) };
  if (q.breakdown) {
    const byValue = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
    answer.breakdown = {
      key: q.breakdown,
      groups: [...(groups ?? [])]
        .filter(([, t]) => t.traces > 0)
        .sort(([a, x], [b, y]) => y.traces - x.traces || byValue(a, b))
        .map(([value, t]) => ({ value, funnel: t.report(q.steps) })),
    };
  }
  return answer;
}

/** The answer from each trace's level (see `funnelAnswerOf`). */
export function funnelAnswer(q: FunnelQuery, levels: readonly TraceLevel[]): FunnelAnswer {
  const all = new FunnelTally(q.steps.length);
  const groups = new Map<string | null, FunnelTally>();
  for (const l of levels) {
    all.add(l.level, l.times);
    if (!q.breakdown || !l.level) continue;
    const g = l.group ?? null;
    let tally = groups.get(g);
    if (!tally) groups.set(g, (tally = new FunnelTally(q.steps.length)));
    tally.add(l.level, l.times);
  }
  return funnelAnswerOf(q, all, groups);
}

/** A funnel over the store's progress events: the store computes it where its events are. */
export function funnel(store: Store, q: FunnelQuery): Promise<FunnelAnswer> {
  return store.funnel(q);
}
