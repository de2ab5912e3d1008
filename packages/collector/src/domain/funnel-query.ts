import { funnelReport, type FunnelStep, type TraceLevel } from './funnel.js';

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
 * The answer from each trace's level. A trace falls in the breakdown group of its
 * chain's step-1 event; traces that never reach step 1 are in no group.
 */
export function funnelAnswer(q: FunnelQuery, levels: readonly TraceLevel[]): FunnelAnswer {
  const stepField = q.stepField ?? 'step';
  const answer: FunnelAnswer = { service: q.service, steps: q.steps, windowMs: q.window, stepField, from: q.from ?? null, to: q.to ?? null, funnel: funnelReport(levels, q.steps) };
  if (q.breakdown) {
    const groups = new Map<string | null, TraceLevel[]>();
    for (const l of levels) {
      if (!l.level) continue;
      const g = l.group ?? null;
      const list = groups.get(g);
      if (list) list.push(l);
      else groups.set(g, [l]);
    }
    answer.breakdown = {
      key: q.breakdown,
      groups: [...groups].sort(([, a], [, b]) => b.length - a.length).map(([value, ls]) => ({ value, funnel: funnelReport(ls, q.steps) })),
    };
  }
  return answer;
}
