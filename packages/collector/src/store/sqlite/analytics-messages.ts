import type { FunnelQuery } from '../../domain/funnel-query.js';
import type { BottleneckColumnsQuery } from './column-queries.js';

/** Messages between the store and its analytics thread. */
export type AnalyticsJob = { op: 'funnel'; query: FunnelQuery } | { op: 'bottlenecks'; query: BottleneckColumnsQuery };
export type ToAnalytics = { type: 'job'; id: number; job: AnalyticsJob } | { type: 'close' };
export type FromAnalytics = { type: 'result'; id: number; ok: true; value: unknown } | { type: 'result'; id: number; ok: false; error: string } | { type: 'closed' };
