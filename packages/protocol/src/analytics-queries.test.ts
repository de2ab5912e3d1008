import { describe, expect, it } from 'vitest';
import { BottleneckQuerySchema, DailySummaryAggregateSchema, DailySummaryKeySchema, DailySummaryQuerySchema, SloQuerySchema } from './index.js';
import { validate, type Validation } from './validation.js';

const rules = (r: Validation<unknown>) => (r.ok ? [] : r.errors.map((e) => [e.path, e.rule]));

describe('analytics query schemas', () => {
  it('takes a time zone by its IANA name, canonically spelt, and names an unknown one', () => {
    expect(validate(BottleneckQuerySchema, { service: 'LOAN', tz: 'asia/seoul', from: '1763600000000' })).toEqual({
      ok: true,
      value: { service: 'LOAN', tz: 'Asia/Seoul', from: 1763600000000 },
    });
    expect(rules(validate(BottleneckQuerySchema, { service: 'LOAN', tz: 'Asia/Nowhere' }))).toEqual([['tz', 'time_zone']]);
  });

  it('takes calendar days that exist, and from not after to', () => {
    expect(validate(DailySummaryQuerySchema, { from: '2028-02-29', to: '2028-03-01', limit: '5' })).toMatchObject({ ok: true, value: { limit: 5 } });
    expect(rules(validate(DailySummaryQuerySchema, { from: '2026-02-29' }))).toEqual([['from', 'date']]);
    expect(rules(validate(DailySummaryQuerySchema, { from: '2026-11-21', to: '2026-11-20' }))).toEqual([['from', 'order']]);
    expect(rules(validate(DailySummaryAggregateSchema, { date: '20261120' }))).toEqual([['date', 'pattern']]);
    expect(rules(validate(DailySummaryKeySchema, { date: '2026-11-20', deviceId: 'kiosk 1' }))).toEqual([['deviceId', 'pattern']]);
  });

  it('refuses parameters /api/slo does not take', () => {
    expect(rules(validate(SloQuerySchema, { window: '1h' }))).toEqual([['window', 'unknown_key']]);
  });
});
