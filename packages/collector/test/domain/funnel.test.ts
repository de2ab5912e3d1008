import { describe, expect, it } from 'vitest';
import { funnelReport, traceLevel, traceLevels, type FunnelEvent } from '../../src/domain/funnel.js';
import { nearestRank } from '../../src/domain/percentiles.js';

const STEPS = ['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED'];
const [I, D, R, C] = STEPS as [string, string, string, string];
const ev = (step: string, timestamp: number, traceId = 't1'): FunnelEvent => ({ traceId, step, timestamp });
const level = (events: FunnelEvent[], steps = STEPS, window = 1_000) => traceLevel(events, steps, window);

describe('windowFunnel semantics', () => {
  it('takes events in timestamp order, whatever order they arrived in', () => {
    expect(level([ev(R, 30), ev(I, 10), ev(C, 40), ev(D, 20)])).toEqual({ level: 4, times: [10, 20, 30, 40] });
  });

  it('ignores other events in between and repeats', () => {
    expect(level([ev(I, 10), ev('LOGIN', 12), ev(D, 20), ev(D, 25), ev(I, 26), ev(R, 30)]).level).toBe(3);
  });

  it('does not skip a step: a later step without the one before counts for nothing', () => {
    expect(level([ev(I, 10), ev(R, 20), ev(C, 30)]).level).toBe(1);
  });

  it('takes equal timestamps in the funnel step order', () => {
    expect(level([ev(D, 10), ev(I, 10)]).level).toBe(2);
    expect(level([ev(R, 10), ev(D, 10), ev(I, 10), ev(C, 10)])).toEqual({ level: 4, times: [10, 10, 10, 10] });
  });

  it('counts a step exactly window ms after the chain start, and not 1 ms later', () => {
    expect(level([ev(I, 0), ev(D, 500), ev(R, 1_000)]).level).toBe(3);
    expect(level([ev(I, 0), ev(D, 500), ev(R, 1_001)]).level).toBe(2);
  });

  it('lets a new step-1 event start a new chain that gets further', () => {
    // The first chain stalls at DATA_COLLECTED: REVIEWED comes too late for it, not for the restart.
    const restarted = level([ev(I, 0), ev(D, 100), ev(I, 5_000), ev(D, 5_100), ev(R, 5_200), ev(C, 5_300)]);
    expect(restarted).toEqual({ level: 4, times: [5_000, 5_100, 5_200, 5_300] });
  });

  it('measures times on the earliest-starting of the chains that reach the level', () => {
    const twice = level([ev(I, 0), ev(D, 100), ev(I, 2_000), ev(D, 2_900)]);
    expect(twice).toEqual({ level: 2, times: [0, 100] });
  });

  it('lets one event fill one step of a chain only', () => {
    const steps = ['A', 'B', 'A'];
    expect(level([ev('A', 1), ev('B', 2)], steps).level).toBe(2);
    expect(level([ev('A', 1), ev('B', 2), ev('A', 3)], steps)).toEqual({ level: 3, times: [1, 2, 3] });
    expect(level([ev('A', 1), ev('A', 1)], ['A', 'A'])).toEqual({ level: 2, times: [1, 1] });
    expect(level([ev('A', 1)], ['A', 'A']).level).toBe(1);
  });

  it('gives level 0 to a trace without a step-1 event', () => {
    expect(level([ev(D, 1), ev(R, 2)])).toEqual({ level: 0, times: [] });
  });

  it('keeps interleaved traces apart', () => {
    const events = [ev(I, 1, 'a'), ev(I, 2, 'b'), ev(D, 3, 'b'), ev(D, 4, 'a'), ev(R, 5, 'a'), ev(C, 6, 'b')];
    expect(traceLevels(events, STEPS, 1_000).map((l) => l.level)).toEqual([3, 2]);
  });
});

describe('funnel report', () => {
  it('counts traces, conversion, drop-off and time from the previous step per step', () => {
    const events = [
      // t1: all the way, 100 / 200 / 300 ms between steps
      ev(I, 0, 't1'), ev(D, 100, 't1'), ev(R, 300, 't1'), ev(C, 600, 't1'),
      // t2: to REVIEWED, 50 / 100 ms
      ev(I, 0, 't2'), ev(D, 50, 't2'), ev(R, 150, 't2'),
      // t3: to DATA_COLLECTED, 400 ms
      ev(I, 0, 't3'), ev(D, 400, 't3'),
      // t4: only started
      ev(I, 0, 't4'),
      // t5: never started
      ev(D, 10, 't5'),
    ];
    const report = funnelReport(traceLevels(events, STEPS, 1_000), STEPS);
    expect(report).toEqual([
      { step: I, traces: 4, conversionFromFirst: 1, conversionFromPrevious: 1, dropOff: 0, medianMsFromPrevious: null, p95MsFromPrevious: null },
      { step: D, traces: 3, conversionFromFirst: 0.75, conversionFromPrevious: 0.75, dropOff: 1, medianMsFromPrevious: 100, p95MsFromPrevious: 400 },
      { step: R, traces: 2, conversionFromFirst: 0.5, conversionFromPrevious: 2 / 3, dropOff: 1, medianMsFromPrevious: 100, p95MsFromPrevious: 200 },
      { step: C, traces: 1, conversionFromFirst: 0.25, conversionFromPrevious: 0.5, dropOff: 1, medianMsFromPrevious: 300, p95MsFromPrevious: 300 },
    ]);
  });

  it('uses nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([nearestRank(sorted, 0.5), nearestRank(sorted, 0.95), nearestRank(sorted, 0.99), nearestRank([], 0.5)]).toEqual([10, 19, 20, null]);
  });
});
