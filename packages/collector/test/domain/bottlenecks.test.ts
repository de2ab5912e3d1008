import { describe, expect, it } from 'vitest';
import { bottleneckReport } from '../../src/domain/bottlenecks.js';
import type { BottleneckEventRow } from '../../src/store/analytics.js';
import { JOURNEYS, T, type Ev } from '../bottleneck-journeys.js';

const H = 3_600_000;

const rows = (events: Ev[]): BottleneckEventRow[] =>
  events
    .map(([traceId, step, timestamp, status = 'SUCCESS', reason = null, lastStep]) => ({ traceId, step, status, reason, timestamp, lastStep: lastStep ?? null }))
    .sort((a, b) => a.timestamp - b.timestamp);

describe('bottleneckReport', () => {
  const report = bottleneckReport(rows(JOURNEYS), 'Asia/Seoul');
  const step = (name: string) => report.steps.find((s) => s.step === name)!;

  it('orders steps by the traces reaching them, drop markers not being steps', () => {
    expect(report.traces).toBe(7);
    expect(report.steps.map((s) => [s.step, s.traces, s.events])).toEqual([
      ['IDENTITY_VERIFIED', 7, 7],
      ['DATA_COLLECTED', 6, 8],
      ['REVIEWED', 2, 2],
      ['COMPLETED', 1, 1],
    ]);
  });

  it('measures the time to the next step event, nearest-rank, skipping drop markers', () => {
    // IV → next: 1000 (t1), 2000 (t2), 3000 (t3), 4000 (t4), 200000 (t6, the marker in between skipped), 500 (t7)
    expect(step('IDENTITY_VERIFIED')).toMatchObject({ samples: 6, p50MsToNext: 2_000, p95MsToNext: 200_000, p99MsToNext: 200_000 });
    // DC → next: 3000 (t1 → RV), 3000 (t2 DC → DC), 1000 (t2 → RV), 1000 (t7 DC → DC); t3, t4, t6 and t7's last have none
    expect(step('DATA_COLLECTED')).toMatchObject({ samples: 4, p50MsToNext: 1_000, p95MsToNext: 3_000, p99MsToNext: 3_000 });
    expect(step('REVIEWED')).toMatchObject({ samples: 1, p50MsToNext: 3_596_000 }); // 10:00 − 09:00:04
    expect(step('COMPLETED')).toMatchObject({ samples: 0, p50MsToNext: null, p95MsToNext: null, p99MsToNext: null });
  });

  it('counts a trace dropped where its last step event failed, was cancelled, or was followed by a marker naming it', () => {
    // IV: t5 (FAIL). t6's marker named IV but the journey went on to DC.
    expect(step('IDENTITY_VERIFIED')).toMatchObject({ dropped: 1, dropRate: 1 / 7 });
    // DC: t3 (marker), t4 (CANCEL), t7 (FAIL); t2 failed DC but went on.
    expect(step('DATA_COLLECTED')).toMatchObject({ dropped: 3, dropRate: 0.5 });
    expect(step('REVIEWED')).toMatchObject({ dropped: 0, dropRate: 0 }); // t2 is still under way
    expect(step('COMPLETED')).toMatchObject({ dropped: 0, dropRate: 0 });
  });

  it('lists FAIL, CANCEL and DROPPED reasons per step, most first', () => {
    expect(step('DATA_COLLECTED').reasons).toEqual({
      FAIL: [
        { reason: 'QUALITY_LOW', count: 2 },
        { reason: null, count: 1 },
      ],
      CANCEL: [{ reason: 'USER_ABORT', count: 1 }],
      DROPPED: [{ reason: 'TIMEOUT', count: 1 }],
    });
    expect(step('IDENTITY_VERIFIED').reasons).toEqual({ FAIL: [{ reason: 'NETWORK_TIMEOUT', count: 1 }], CANCEL: [], DROPPED: [{ reason: 'TIMEOUT', count: 1 }] });
  });

  it('fills the step × hour heatmap in the time zone: events and the median time to the next step', () => {
    const { heatmap } = report;
    expect(heatmap.hours).toEqual(Array.from({ length: 24 }, (_, h) => h));
    expect(heatmap.steps).toEqual(['IDENTITY_VERIFIED', 'DATA_COLLECTED', 'REVIEWED', 'COMPLETED']);
    const cells = (row: number) => Object.fromEntries(heatmap.hours.filter((h) => heatmap.events[row]![h]).map((h) => [h, [heatmap.events[row]![h], heatmap.medianMsToNext[row]![h]]]));
    // 09:00 KST: IV of t1, t2, t3, t6 with 1000, 2000, 3000, 200000 to the next step → median 2000
    expect(cells(0)).toEqual({ 9: [4, 2_000], 10: [2, 4_000], 11: [1, 500] });
    expect(cells(1)).toEqual({ 9: [5, 3_000], 10: [1, null], 11: [2, 1_000] });
    // t1 waited at RV from 09:00:04 to 10:00: the time is in RV's 09 cell; CO is in 10.
    expect(cells(2)).toEqual({ 9: [2, 3_596_000] });
    expect(cells(3)).toEqual({ 10: [1, null] });
    expect(heatmap.events.flat().reduce((a, b) => a + b)).toBe(18);
    expect(heatmap.medianMsToNext[0]![0]).toBeNull();
  });

  it('puts the hours in the zone asked for', () => {
    const utc = bottleneckReport(rows(JOURNEYS), 'UTC').heatmap;
    expect(utc.events[0]!.slice(0, 3)).toEqual([4, 2, 1]);
    expect(utc.events[0]![9]).toBe(0);
  });

  it('takes p95 and p99 as the ⌈p·n⌉-th smallest time', () => {
    const many: Ev[] = Array.from({ length: 20 }, (_, i) => [
      [`p${i}`, 'A', T] as Ev,
      [`p${i}`, 'B', T + (i + 1) * 10] as Ev,
    ]).flat();
    const a = bottleneckReport(rows(many), 'Asia/Seoul').steps[0]!;
    expect(a).toMatchObject({ step: 'A', samples: 20, p50MsToNext: 100, p95MsToNext: 190, p99MsToNext: 200 });
  });

  it('attributes a DROPPED step without lastStep to the step event before it', () => {
    const r = bottleneckReport(rows([['x', 'FORM_SUBMITTED', T], ['x', 'DROPPED', T + 9, 'DROPPED', 'TIMEOUT']]), 'UTC');
    expect(r.steps.map((s) => [s.step, s.dropped, s.reasons.DROPPED])).toEqual([['FORM_SUBMITTED', 1, [{ reason: 'TIMEOUT', count: 1 }]]]);
  });
});
