import { describe, expect, it } from 'vitest';
import { addDays, canonicalTimeZone, dateIn, dayRange, hourOfDayIn, instantAt, isTimeZone } from '../../src/domain/time-zone.js';

const iso = (t: number) => new Date(t).toISOString();
const range = (date: string, zone: string) => {
  const r = dayRange(date, zone);
  return [iso(r.from), iso(r.to)];
};

describe('calendar days in a time zone', () => {
  it('puts an instant in the day of its zone: Asia/Seoul is 9 hours ahead of UTC', () => {
    expect(dateIn(Date.UTC(2026, 10, 19, 14, 59, 59, 999), 'Asia/Seoul')).toBe('2026-11-19');
    expect(dateIn(Date.UTC(2026, 10, 19, 15), 'Asia/Seoul')).toBe('2026-11-20');
    expect(range('2026-11-20', 'Asia/Seoul')).toEqual(['2026-11-19T15:00:00.000Z', '2026-11-20T15:00:00.000Z']);
  });

  it('gives a day of 23 hours when the clock jumps forward and 25 when it goes back (Europe/Berlin)', () => {
    expect(range('2026-03-29', 'Europe/Berlin')).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(range('2026-10-25', 'Europe/Berlin')).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  });

  it('starts a day whose midnight does not exist at the first instant it has (America/Santiago skips 00:00 → 01:00)', () => {
    expect(range('2026-09-06', 'America/Santiago')).toEqual(['2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z']);
    expect(dateIn(Date.UTC(2026, 8, 6, 3, 59, 59, 999), 'America/Santiago')).toBe('2026-09-05');
  });

  it('takes the earlier of a wall time that occurs twice, and moves a skipped one later by the jump', () => {
    expect(iso(instantAt('2026-10-25', 150, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, not CET
    expect(iso(instantAt('2026-03-29', 150, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // 02:30 does not exist: 03:30 CEST
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('gives the hour of day across offset changes and half-hour zones', () => {
    const berlin = hourOfDayIn('Europe/Berlin');
    expect([Date.UTC(2026, 2, 29, 0, 59), Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)].map(berlin)).toEqual([1, 3, 2, 2]);
    // Newfoundland moved its clocks at 00:01 local until 2011: 03:31 UTC, inside a quarter hour.
    const stJohns = hourOfDayIn('America/St_Johns');
    expect([Date.parse('2010-03-14T03:30:59Z'), Date.parse('2010-03-14T03:31:00Z'), Date.parse('2010-03-14T03:40:00Z')].map(stJohns)).toEqual([0, 1, 1]);
    const kolkata = hourOfDayIn('Asia/Kolkata');
    expect([Date.UTC(2026, 10, 20, 0, 29, 59, 999), Date.UTC(2026, 10, 20, 0, 30)].map(kolkata)).toEqual([5, 6]);
  });

  it('knows zone names and spells them canonically', () => {
    expect(isTimeZone('Asia/Seoul')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(canonicalTimeZone('asia/seoul')).toBe('Asia/Seoul');
  });
});
