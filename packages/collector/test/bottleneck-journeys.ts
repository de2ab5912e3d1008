import type { BottleneckEventRow } from '../src/store/analytics.js';

/** 2026-11-20 09:00 in Asia/Seoul. */
export const T = Date.UTC(2026, 10, 20, 0, 0);
const H = 3_600_000;
export type Ev = [traceId: string, step: string, at: number, status?: BottleneckEventRow['status'], reason?: string | null, lastStep?: string];

/**
 * The hand-built journeys (IV, DC, RV, CO = IDENTITY_VERIFIED, DATA_COLLECTED, REVIEWED, COMPLETED):
 * t1 goes through (completing in the next hour); t2 fails DC once, retries, reaches RV and is still under way; t3 stalls at DC
 * (the sweeper's DROPPED marker); t4 cancels at DC; t5 fails at IV; t6 stalls at IV, is marked, and
 * comes back to DC (not dropped); t7 fails DC twice and ends there.
 */
export const JOURNEYS: Ev[] = [
  ['t1', 'IDENTITY_VERIFIED', T],
  ['t1', 'DATA_COLLECTED', T + 1_000],
  ['t1', 'REVIEWED', T + 4_000],
  ['t1', 'COMPLETED', T + H], // the next hour: its time counts in the hour it was waited for
  ['t2', 'IDENTITY_VERIFIED', T],
  ['t2', 'DATA_COLLECTED', T + 2_000, 'FAIL', 'QUALITY_LOW'],
  ['t2', 'DATA_COLLECTED', T + 5_000],
  ['t2', 'REVIEWED', T + 6_000],
  ['t3', 'IDENTITY_VERIFIED', T],
  ['t3', 'DATA_COLLECTED', T + 3_000],
  ['t3', 'DROPPED', T + 123_000, 'DROPPED', 'TIMEOUT', 'DATA_COLLECTED'],
  ['t4', 'IDENTITY_VERIFIED', T + H],
  ['t4', 'DATA_COLLECTED', T + H + 4_000, 'CANCEL', 'USER_ABORT'],
  ['t5', 'IDENTITY_VERIFIED', T + H, 'FAIL', 'NETWORK_TIMEOUT'],
  ['t6', 'IDENTITY_VERIFIED', T],
  ['t6', 'DROPPED', T + 121_000, 'DROPPED', 'TIMEOUT', 'IDENTITY_VERIFIED'],
  ['t6', 'DATA_COLLECTED', T + 200_000],
  ['t7', 'IDENTITY_VERIFIED', T + 2 * H],
  ['t7', 'DATA_COLLECTED', T + 2 * H + 500, 'FAIL', null],
  ['t7', 'DATA_COLLECTED', T + 2 * H + 1_500, 'FAIL', 'QUALITY_LOW'],
];

