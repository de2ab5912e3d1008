/**
 * A seeded pseudo-random source (mulberry32), so the same parameters always give
 * the same data set, and the ids an SDK would make from it.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  /** `digits` random hex digits (at most 8). */
  const hex = (digits: number) => {
    const n = Math.floor(next() * 2 ** 32);
    const h = HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
    return digits === 8 ? h : h.slice(8 - digits);
  };
  /** Standard normal deviates (Box–Muller gives two at a time). */
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return {
    next,
    /** True with probability p. */
    chance: (p: number) => next() < p,
    /** A number in [min, max). */
    between: (min: number, max: number) => min + next() * (max - min),
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /**
     * A log-normal duration: half the values below `median`, with a right tail whose
     * weight grows with `sigma` (0.5: p95 ≈ 2.3 × median; 1: p95 ≈ 5 × median), as
     * waits on people and on remote services are.
     */
    lognormal: (median: number, sigma: number) => median * Math.exp(sigma * normal()),
    /** A uuid v7 for an instant (epoch ms), as the SDKs make event and session ids. */
    uuidv7(at: number): string {
      const ms = Math.floor(at).toString(16).padStart(12, '0');
      const variant = (8 + Math.floor(next() * 4)).toString(16);
      return `${ms.slice(0, 8)}-${ms.slice(8)}-7${hex(3)}-${variant}${hex(3)}-${hex(4)}${hex(8)}`;
    },
    /** A random uuid v4. */
    uuidv4(): string {
      const variant = (8 + Math.floor(next() * 4)).toString(16);
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(4)}${hex(8)}`;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;
