import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('makes RFC 9562 uuid v7s carrying the time', () => {
    const at = Date.UTC(2026, 11, 1, 23, 30);
    const id = newId(at);
    expect(id).toMatch(V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in creation order, also many in one millisecond and when the clock steps back', () => {
    const at = Date.UTC(2026, 11, 1, 23, 31);
    const ids = [...Array.from({ length: 5_000 }, () => newId(at)), newId(at - 10_000), newId(at + 1)];
    expect(ids.every((id) => V7.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
