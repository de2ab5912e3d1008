import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextDailyRun, scheduleDaily } from '../src/daily-scheduler.js';

const at = (s: string) => Date.parse(s);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

describe('nextDailyRun', () => {
  it('finds the next 00:05 in Asia/Seoul, today when it is still ahead and tomorrow once it has passed', () => {
    expect(iso(nextDailyRun(at('2026-11-20T15:04:00Z'), '00:05', 'Asia/Seoul'))).toBe('2026-11-20T15:05:00.000Z');
    expect(iso(nextDailyRun(at('2026-11-20T15:05:00Z'), '00:05', 'Asia/Seoul'))).toBe('2026-11-21T15:05:00.000Z');
    expect(iso(nextDailyRun(at('2026-11-20T03:00:00Z'), '00:05', 'Asia/Seoul'))).toBe('2026-11-20T15:05:00.000Z');
  });

  it('follows Europe/Berlin across the spring jump: 23 h 55 min from 00:10 to the next 00:05', () => {
    const now = at('2026-03-28T23:10:00Z'); // 00:10 CET on the day the clock jumps
    expect(iso(nextDailyRun(now, '00:05', 'Europe/Berlin'))).toBe('2026-03-29T22:05:00.000Z'); // 00:05 CEST
  });

  it('follows Europe/Berlin across the autumn fall-back: 24 h 55 min before the next 00:05', () => {
    expect(iso(nextDailyRun(at('2026-10-24T22:10:00Z'), '00:05', 'Europe/Berlin'))).toBe('2026-10-25T23:05:00.000Z'); // 00:05 CET
  });

  it('runs a time the jump skips when the clock lands past it, and a time that occurs twice once', () => {
    expect(iso(nextDailyRun(at('2026-03-28T12:00:00Z'), '02:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(nextDailyRun(at('2026-10-24T12:00:00Z'), '02:30', 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // first 02:30
    // Between the two 02:30s: the next run is the next day's, not the repeat.
    expect(iso(nextDailyRun(at('2026-10-25T00:45:00Z'), '02:30', 'Europe/Berlin'))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('refuses a time of day that is not HH:MM', () => {
    expect(() => nextDailyRun(0, '24:00', 'Asia/Seoul')).toThrow(/HH:MM/);
  });
});

describe('scheduleDaily', () => {
  afterEach(() => vi.useRealTimers());

  it('runs at the time with the instant it was due, re-arms for the next day, and stops', async () => {
    vi.useFakeTimers({ now: at('2026-11-20T15:04:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const runs: number[] = [];
    const scheduler = scheduleDaily({ at: '00:05', timeZone: 'Asia/Seoul', now: () => Date.now(), run: async (due) => void runs.push(due) });
    expect(iso(scheduler.nextRunAt)).toBe('2026-11-20T15:05:00.000Z');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.map(iso)).toEqual(['2026-11-20T15:05:00.000Z']);
    expect(iso(scheduler.nextRunAt)).toBe('2026-11-21T15:05:00.000Z');
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(runs.map(iso)).toEqual(['2026-11-20T15:05:00.000Z', '2026-11-21T15:05:00.000Z']);
    scheduler.stop();
    expect(scheduler.nextRunAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3 * 86_400_000);
    expect(runs).toHaveLength(2);
  });

  it('waits, when stopped, for a run in progress to finish', async () => {
    vi.useFakeTimers({ now: at('2026-11-20T15:04:59Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let finish!: () => void;
    const scheduler = scheduleDaily({ at: '00:05', timeZone: 'Asia/Seoul', now: () => Date.now(), run: () => new Promise<void>((r) => (finish = r)) });
    await vi.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(scheduler.nextRunAt).toBeUndefined();
  });

  it('does not run early when the clock it is given lags the timer, and keeps going after a failed run', async () => {
    vi.useFakeTimers({ now: at('2026-11-20T15:04:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let lag = 0;
    const errors: unknown[] = [];
    const runs: number[] = [];
    const scheduler = scheduleDaily({
      at: '00:05',
      timeZone: 'Asia/Seoul',
      now: () => Date.now() - lag,
      run: async (due) => {
        runs.push(due);
        throw new Error('disk full');
      },
      onError: (e) => errors.push(e),
    });
    lag = 30_000; // from now on the given clock is 30 s behind the timers' clock
    await vi.advanceTimersByTimeAsync(60_000); // the timer fires, but the given clock says 00:04:30
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.map(iso)).toEqual(['2026-11-20T15:05:00.000Z']);
    expect(errors).toHaveLength(1);
    expect(iso(scheduler.nextRunAt)).toBe('2026-11-21T15:05:00.000Z');
    scheduler.stop();
  });
});
