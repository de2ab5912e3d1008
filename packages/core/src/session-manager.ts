import type { BehaviorSummary, SessionStatus } from '@waymark/protocol/types';
import { newId } from './ids.js';
import type { FunnelState } from './funnel-tracker.js';

/** An open session, persisted with every write so a reload or power cut resumes it. */
export interface SessionState {
  sessionId: string;
  startedAt: number;
  /** Time of the last user action; the inactivity timeout counts from it. */
  lastActivity: number;
  /** The last `sequenceNo` given to a UI event of this session. */
  seq: number;
  screen?: string;
  screenAt?: number;
  behavior: BehaviorSummary;
  funnel?: FunnelState;
}

/** How a session ended. */
export type EndStatus = Exclude<SessionStatus, 'active'>;

/** A new session, started at `now`. */
export function openSession(now: number, funnel?: FunnelState): SessionState {
  return {
    sessionId: newId(),
    startedAt: now,
    lastActivity: now,
    seq: 0,
    behavior: { totalTaps: 0, totalScrolls: 0, selectionChanges: 0, screenDurations: {} },
    funnel,
  };
}

/** Whether the inactivity timeout has passed at `now`. */
export const expired = (s: SessionState, now: number, timeoutMs: number) => now - s.lastActivity >= timeoutMs;

/** Adds the time on the current screen to its total; returns it. */
export function leaveScreen(s: SessionState, now: number): number | undefined {
  if (s.screen === undefined || s.screenAt === undefined) return undefined;
  const ms = Math.max(0, now - s.screenAt);
  const d = s.behavior.screenDurations;
  d[s.screen] = (d[s.screen] ?? 0) + ms;
  s.screenAt = undefined;
  return ms;
}
