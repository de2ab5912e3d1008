import { describe, expect, it } from 'vitest';
import { advance, dwellOf, follows, isTerminal, journeyOf, startJourney, type JourneyEvent } from '../../src/domain/journey-state.js';

const T = Date.UTC(2026, 10, 1);
const e = (seq: number, step: string, dt: number, status: JourneyEvent['status'] = 'SUCCESS'): JourneyEvent => ({
  seq,
  eventId: `e${seq}`,
  service: 'LOAN',
  step,
  status,
  reason: null,
  timestamp: T + dt,
  receivedAt: T + 1_000 * seq,
});

/** mulberry32, for repeatable shuffles. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('journey state', () => {
  const events = [e(1, 'IDENTITY_VERIFIED', 0), e(2, 'DATA_COLLECTED', 2_000), e(3, 'DATA_COLLECTED', 2_000), e(4, 'FORM_SUBMITTED', 9_000), e(5, 'REVIEWED', 9_500)];

  it('is the same for every arrival order, folding as the writer does', () => {
    const expected = journeyOf(events);
    expect(expected).toMatchObject({ step: 'REVIEWED', lastEventId: 'e5', eventCount: 5, firstTimestamp: T, lastTimestamp: T + 9_500 });
    expect({ ...expected!.dwellMs }).toEqual({ IDENTITY_VERIFIED: 2_000, DATA_COLLECTED: 7_000, FORM_SUBMITTED: 500 });
    const random = rng(7);
    for (let round = 0; round < 200; round++) {
      const shuffled = [...events].sort(() => random() - 0.5);
      // The writer: fold while events come in order, recompute from all of them otherwise.
      let state = startJourney(shuffled[0]!);
      const seen = [shuffled[0]!];
      for (const next of shuffled.slice(1)) {
        seen.push(next);
        state = follows(state, next) ? advance(state, next) : journeyOf(seen)!;
      }
      expect(state).toEqual(expected);
      expect(journeyOf(shuffled)).toEqual(expected);
    }
  });

  it('breaks timestamp ties by arrival', () => {
    expect(journeyOf([e(2, 'B', 0), e(1, 'A', 0)])).toMatchObject({ step: 'B', lastSeq: 2 });
  });

  it('knows the terminal steps and statuses', () => {
    expect(['COMPLETED', 'FAILED', 'CANCEL', 'DROPPED'].map((s) => isTerminal(s, 'SUCCESS'))).toEqual([true, true, true, true]);
    expect(['SUCCESS', 'FAIL', 'CANCEL', 'DROPPED'].map((s) => isTerminal('DATA_COLLECTED', s))).toEqual([false, true, true, true]);
  });

  it('gives each timeline event the time to the next one', () => {
    expect(dwellOf(events)).toEqual([2_000, 0, 7_000, 500, null]);
    expect(dwellOf([])).toEqual([]);
  });
});
