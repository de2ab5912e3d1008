/**
 * Nearest-rank percentiles without sorting: the ⌈p·n⌉-th smallest value, found by
 * quickselect in O(n) each, so a figure is always a time some journey really took.
 * Millions of durations are common here, and a full sort of them costs more than the
 * whole rest of a query.
 */

/** Rearranges `a[lo..hi]` so that `a[k]` is the value a sort would put there; returns it. */
function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot: no bad case on sorted or reversed input.
    if (a[mid]! < a[lo]!) swap(a, lo, mid);
    if (a[hi]! < a[lo]!) swap(a, lo, hi);
    if (a[hi]! < a[mid]!) swap(a, mid, hi);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and whatever lies between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * The nearest-rank percentile of `values` for each of `ps` (each in (0, 1]), null for
 * none; `values` is reordered. `ps` must be in ascending order.
 */
export function nearestRanks(values: Float64Array, ps: readonly number[]): Array<number | null> {
  const n = values.length;
  if (n === 0) return ps.map(() => null);
  let lo = 0;
  return ps.map((p) => {
    const k = Math.min(n, Math.max(1, Math.ceil(p * n))) - 1;
    const value = select(values, k, lo, n - 1);
    // Everything past k is at least a[k]: the next, larger rank is searched there.
    lo = k;
    return value;
  });
}

/**
 * The nearest-rank percentile: the ⌈p·n⌉-th smallest value, so every figure is a time
 * some trace actually took. `sorted` is in ascending order.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}
