import type { IdleSession, Store } from '../store/store.js';
import { patchSession } from './sessions.js';

/**
 * Default inactivity after which the collector ends a kiosk session that never ended:
 * ten minutes. Devices end idle sessions themselves after two minutes (the SDK's
 * `sessionTimeoutMs`) and deliver that ending late when offline, retrying with backoff
 * of up to five minutes; the collector waits longer than both, so it ends only
 * sessions whose device went silent.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 600_000;
const PAGE = 200;

/**
 * The PATCH that ends an idle session: status `timeout`, `endedAt` its last activity
 * on the device's clock (its latest UI event, stage change or start), and `exitStage`
 * the stage it was at.
 */
export function timeoutPatch({ session, lastEventTimestamp }: IdleSession): Record<string, unknown> {
  const stages = session.funnel?.stages ?? [];
  const times = [session.startedAt, lastEventTimestamp, ...stages.flatMap((s) => [s.enteredAt, s.exitedAt])].filter((t): t is number => typeof t === 'number');
  const patch: Record<string, unknown> = { status: 'timeout', endedAt: Math.max(...times) };
  const stage = session.funnel?.currentStage;
  if (stage) patch.funnel = { ...session.funnel, exitStage: stage };
  return patch;
}

/**
 * Ends, as `timeout`, every active session with no update and no UI event for
 * `timeoutMs` at `now` (collector clock), counting from `since` (the collector's
 * start) at the earliest. Goes through the session PATCH path, so a session that ended
 * meanwhile keeps its status. Answers how many it ended.
 */
export async function timeOutIdleSessions(store: Store, timeoutMs: number, now: number, since = -Infinity): Promise<number> {
  let ended = 0;
  if (now - since < timeoutMs) return 0;
  const seen = new Set<string>();
  for (;;) {
    const page = await store.idleSessions({ lastActivityAtMost: now - timeoutMs, limit: PAGE });
    const fresh = page.filter((s) => !seen.has(s.session.sessionId));
    if (fresh.length === 0) break;
    for (const s of fresh) seen.add(s.session.sessionId);
    const outcomes = await Promise.all(fresh.map((s) => patchSession(store, s.session.sessionId, timeoutPatch(s), now)));
    ended += outcomes.filter((o) => o.status === 'updated').length;
    if (page.length < PAGE) break;
  }
  return ended;
}
