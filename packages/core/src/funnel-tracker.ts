import type { SessionFunnel, StageTiming, Status } from '@waymark/protocol/types';

/** An ordered funnel, such as the 8 stages of a photo kiosk. */
export interface FunnelOptions {
  /** Stage names, in order. */
  stages: string[];
  /** Screen id → stage. A screen not listed is the stage of the same name, if any. */
  screens?: Record<string, string>;
  /**
   * Stage → step of the common vocabulary (seed 000 §3) for its progress events.
   * Default: COMPLETED for the last stage, DATA_COLLECTED for the others.
   */
  steps?: Record<string, string>;
}

/** Funnel progress of one session, persisted with it. */
export interface FunnelState {
  /** Index of the current stage, −1 before the first. */
  current: number;
  /** Furthest stage index reached. */
  furthest: number;
  stages: StageTiming[];
}

/** A progress transition to send: the stage it concerns and how it went. */
export interface StageTransition {
  stage: string;
  step: string;
  status: Status;
  reason?: string;
}

/** Most stage visits kept on a session record (the protocol's limit). */
const MAX_VISITS = 64;

export function createFunnelTracker(o: FunnelOptions) {
  const step = (i: number) => o.steps?.[o.stages[i]!] ?? (i === o.stages.length - 1 ? 'COMPLETED' : 'DATA_COLLECTED');
  const at = (f: FunnelState, i: number, status: Status, reason?: string): StageTransition => ({ stage: o.stages[i]!, step: step(i), status, reason });
  const close = (f: FunnelState, now: number) => {
    const last = f.stages[f.stages.length - 1];
    if (last && last.exitedAt == null) last.exitedAt = now;
  };

  return {
    initial: (): FunnelState => ({ current: -1, furthest: -1, stages: [] }),

    /**
     * A screen was entered. Moving forward reaches a stage (SUCCESS); moving back to an
     * earlier stage backs out of the current one (CANCEL). Screens outside the funnel
     * change nothing.
     */
    screen(f: FunnelState, screenId: string, now: number): StageTransition[] {
      const i = o.stages.indexOf(o.screens?.[screenId] ?? screenId);
      if (i < 0 || i === f.current) return [];
      const out = i < f.current ? [at(f, f.current, 'CANCEL', 'BACK_OUT')] : [at(f, i, 'SUCCESS')];
      close(f, now);
      if (f.stages.length < MAX_VISITS) f.stages.push({ stage: o.stages[i]!, enteredAt: now, exitedAt: null });
      f.current = i;
      f.furthest = Math.max(f.furthest, i);
      return out;
    },

    /** The session hit an error in its current stage (FAIL). */
    fail: (f: FunnelState, reason: string): StageTransition[] => (f.current < 0 ? [] : [at(f, f.current, 'FAIL', reason)]),

    /**
     * The session ended. A timeout before the last stage is a drop (DROPPED), a cancel
     * is CANCEL, an error is FAIL; a completed session adds nothing.
     */
    end(f: FunnelState, status: 'completed' | 'cancelled' | 'timeout' | 'error', now: number, reason?: string): StageTransition[] {
      close(f, now);
      if (f.current < 0) return [];
      if (status === 'timeout' && f.current < o.stages.length - 1) return [at(f, f.current, 'DROPPED', reason ?? 'TIMEOUT')];
      if (status === 'cancelled') return [at(f, f.current, 'CANCEL', reason ?? 'USER_ABORT')];
      if (status === 'error') return [at(f, f.current, 'FAIL', reason ?? 'ERROR')];
      return [];
    },

    /** The funnel as the session record carries it. */
    summary: (f: FunnelState, ended: boolean): SessionFunnel => ({
      currentStage: f.current < 0 ? null : o.stages[f.current],
      reached: f.furthest + 1,
      total: o.stages.length,
      exitStage: ended && f.current >= 0 ? o.stages[f.current] : null,
      stages: f.stages,
    }),
  };
}

export type FunnelTracker = ReturnType<typeof createFunnelTracker>;
