/** 32-bit FNV-1a with a murmur3 finaliser, so nearby inputs land far apart. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The variant of experiment `key` for a device: the same device always gets the same
 * variant, and devices split across variants in proportion to `weights` (equal when
 * omitted).
 */
export function pickVariant(deviceId: string, key: string, variants: readonly string[], weights?: readonly number[]): string {
  const w = weights ?? variants.map(() => 1);
  if (!variants.length || w.length !== variants.length || w.some((x) => !(x >= 0))) throw new RangeError('assignVariant: needs variants, and one weight ≥ 0 per variant');
  const total = w.reduce((a, b) => a + b, 0);
  let point = (hash32(`${key}:${deviceId}`) / 2 ** 32) * total;
  for (let i = 0; i < variants.length; i++) {
    point -= w[i]!;
    if (point < 0) return variants[i]!;
  }
  return variants[variants.length - 1]!;
}
