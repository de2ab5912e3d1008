/**
 * Reproducible randomness for the stand-ins and the driver: the same seed gives the
 * same run on every machine, whatever order concurrent requests arrive in.
 */

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A number in [0, 1) fixed by `parts` (FNV-1a, then one round of mixing): for a
 * choice that must depend on what it is about, not on when it is made.
 */
export function hashUnit(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  return createRandom(h)();
}

/** An integer in [lo, hi] from a number in [0, 1). */
export const between = (u: number, lo: number, hi: number) => lo + Math.floor(u * (hi - lo + 1));
