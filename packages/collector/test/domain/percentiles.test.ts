import { describe, expect, it } from 'vitest';
import { nearestRank, nearestRanks } from '../../src/domain/percentiles.js';
import { seededRandom } from '../helpers.js';

describe('nearestRanks', () => {
  const ps = [0.01, 0.5, 0.95, 0.99, 1];

  it('equals the nearest rank of the sorted values, on random data with many ties', () => {
    const rnd = seededRandom(7);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rnd() * (round < 200 ? 40 : 5_000));
      const spread = [2, 10, 1_000_000][round % 3]!;
      const values = Array.from({ length: n }, () => Math.floor(rnd() * spread));
      if (round % 7 === 0) values.sort((a, b) => a - b);
      if (round % 11 === 0) values.sort((a, b) => b - a);
      const sorted = [...values].sort((a, b) => a - b);
      expect(nearestRanks(Float64Array.from(values), ps)).toEqual(ps.map((p) => nearestRank(sorted, p)));
    }
  });

  it('answers null for no values, and the value itself for one', () => {
    expect(nearestRanks(new Float64Array(0), [0.5, 0.95])).toEqual([null, null]);
    expect(nearestRanks(Float64Array.of(42), [0.5, 0.99])).toEqual([42, 42]);
  });

  it('takes the ⌈p·n⌉-th smallest: of 1..20, p50 is 10 and p95 is 19', () => {
    const values = Float64Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(nearestRanks(values, [0.5, 0.95, 0.99])).toEqual([10, 19, 20]);
  });
});
