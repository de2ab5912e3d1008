import { describe, expect, it } from 'vitest';
import { ProgressEventSchema, SessionPatchSchema, UiEventSchema } from './index.js';
import { WaymarkValidationError, parseOrThrow, validate, validateBatchItem } from './validation.js';

const sample = {
  traceId: 'TX2025-001239',
  service: 'LOAN',
  step: 'DATA_COLLECTED',
  status: 'SUCCESS',
  reason: null,
  meta: { channel: 'MOBILE_WEB', screenId: 'ocr_upload', device: 'iPhone12', clientVersion: '3.0.1' },
  timestamp: 1730561111123,
};

describe('ProgressEvent', () => {
  it('accepts the seed sample event unchanged', () => {
    const result = validate(ProgressEventSchema, sample);
    expect(result).toEqual({ ok: true, value: sample });
  });

  it('keeps meta keys beyond the known ones', () => {
    const result = validate(ProgressEventSchema, { ...sample, meta: { subType: 'OCR', abTest: 'B', nested: { a: [1, 2] } } });
    expect(result.ok && result.value.meta).toEqual({ subType: 'OCR', abTest: 'B', nested: { a: [1, 2] } });
  });

  it('names a missing field with the rule "required"', () => {
    const { traceId: _, ...rest } = sample;
    expect(validate(ProgressEventSchema, rest)).toEqual({ ok: false, errors: [{ path: 'traceId', rule: 'required', message: 'is required' }] });
  });

  it('refuses a timestamp in seconds', () => {
    const result = validate(ProgressEventSchema, { ...sample, timestamp: 1730561111 });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([['timestamp', 'min']]);
  });

  it('refuses an unknown status and an unknown channel, naming both', () => {
    const result = validate(ProgressEventSchema, { ...sample, status: 'DONE', meta: { channel: 'TV' } });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([
      ['status', 'enum'],
      ['meta.channel', 'enum'],
    ]);
  });

  it('refuses unknown top-level fields by name instead of dropping them', () => {
    const result = validate(ProgressEventSchema, { ...sample, extra: 1 });
    expect(result.ok ? [] : result.errors).toEqual([{ path: 'extra', rule: 'unknown_key', message: 'is not a known field' }]);
  });

  it('refuses prototype keys, deep nesting and too many keys in meta', () => {
    const proto = JSON.parse('{"__proto__": {"polluted": true}}');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const rules = [proto, { deep }, wide].map((meta) => {
      const r = validate(ProgressEventSchema, { ...sample, meta });
      return r.ok ? 'ok' : r.errors[0]!.rule;
    });
    expect(rules).toEqual(['reserved_key', 'depth', 'keys']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('UiEvent', () => {
  const tap = { sessionId: 's1', sequenceNo: 0, deviceId: 'kiosk-1', eventType: 'tap', timestamp: 1730561111123 };

  it('requires scrollDepth on scroll events', () => {
    const r = validate(UiEventSchema, { ...tap, eventType: 'scroll' });
    expect(r.ok ? [] : r.errors.map((e) => [e.path, e.rule])).toEqual([['scrollDepth', 'required']]);
    expect(validate(UiEventSchema, { ...tap, eventType: 'scroll', scrollDepth: 80 }).ok).toBe(true);
  });

  it('keeps heatmap fields', () => {
    const heat = { ...tap, position: { x: 0.5, y: 0.25 }, hitResult: 'miss', nearestTarget: 'btn-ok', distanceToTarget: 0.04 };
    expect(validate(UiEventSchema, heat)).toEqual({ ok: true, value: heat });
  });
});

describe('validateBatchItem', () => {
  it('checks kind first, then the record of that kind', () => {
    expect(validateBatchItem({ kind: 'progress', ...sample })).toEqual({ ok: true, value: { kind: 'progress', ...sample } });
    const noKind = validateBatchItem(sample);
    expect(noKind.ok ? null : noKind.errors[0]).toMatchObject({ path: 'kind', rule: 'required' });
    const badKind = validateBatchItem({ ...sample, kind: 'click' });
    expect(badKind.ok ? null : badKind.errors[0]).toMatchObject({ path: 'kind', rule: 'enum' });
    const badRecord = validateBatchItem({ kind: 'session', ...sample });
    expect(badRecord.ok ? [] : badRecord.errors.map((e) => e.path)).toContain('sessionId');
  });

  it('answers a non-object item with a type error, not a throw', () => {
    for (const item of [null, 42, 'x', [], true]) {
      const r = validateBatchItem(item);
      expect(r.ok).toBe(false);
    }
  });
});

describe('parseOrThrow', () => {
  it('throws a WaymarkValidationError carrying path and rule', () => {
    try {
      parseOrThrow(SessionPatchSchema, { status: 'paused' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WaymarkValidationError);
      expect(error).toMatchObject({ path: 'status', rule: 'enum' });
    }
  });
});
