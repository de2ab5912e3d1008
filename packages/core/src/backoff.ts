/**
 * Delay before retry `attempt` (1, 2, …): exponential backoff with full jitter, a
 * uniform draw in [minMs, min(maxMs, minMs·2^(attempt−1))], so clients that failed
 * together do not retry together.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.max(minMs, Math.min(maxMs, minMs * 2 ** (attempt - 1)));
  return minMs + random() * (cap - minMs);
}

/** `Retry-After` (delay seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const ms = /^\d/.test(header) ? +header * 1000 : Date.parse(header) - now;
  return ms >= 0 ? ms : ms < 0 ? 0 : undefined;
}
