import { addDays, dateIn, instantAt } from './domain/time-zone.js';

/** `HH:MM`, 00:00 to 23:59. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The first instant after `now` at which the wall clock of `timeZone` reads `hhmm`.
 * On a day when that time occurs twice (the clock going back) it is the first
 * occurrence; on a day when it does not occur (the clock jumping forward) it is as
 * much later as the clock jumped, so every calendar day gets exactly one run.
 */
export function nextDailyRun(now: number, hhmm: string, timeZone: string): number {
  if (!CLOCK_TIME.test(hhmm)) throw new RangeError(`time of day must be HH:MM, got "${hhmm}"`);
  const minutes = minutesOf(hhmm);
  const today = dateIn(now, timeZone);
  // Yesterday too: a time moved forward by a jump may land after midnight.
  for (const date of [addDays(today, -1), today, addDays(today, 1), addDays(today, 2)]) {
    const t = instantAt(date, minutes, timeZone);
    if (t > now) return t;
  }
  throw new Error(`no ${hhmm} after ${new Date(now).toISOString()} in ${timeZone}`);
}

export interface DailySchedulerOptions {
  /** Wall-clock time of the run, `HH:MM`. */
  at: string;
  timeZone: string;
  /** Epoch-ms clock. */
  now: () => number;
  /** The job; `scheduledAt` is the instant it was due (not the possibly later instant it started). */
  run: (scheduledAt: number) => Promise<unknown>;
  /** Told about a run that failed; the next run is scheduled all the same. */
  onError?: (error: unknown) => void;
}

export interface DailyScheduler {
  /** When the next run is due (epoch ms), or undefined once stopped. */
  readonly nextRunAt: number | undefined;
  /** Cancels the timer; resolves when a run in progress has finished, with nothing scheduled after it. */
  stop(): Promise<void>;
}

/**
 * Runs a job once a day at a wall-clock time of a time zone. One timer, re-armed
 * after each run for the next occurrence; it does not keep the process alive.
 */
export function scheduleDaily(o: DailySchedulerOptions): DailyScheduler {
  let timer: NodeJS.Timeout | undefined;
  let due: number | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;

  const arm = (after: number) => {
    if (stopped) return;
    due = nextDailyRun(after, o.at, o.timeZone);
    wait();
  };
  const wait = () => {
    // Timers count on a monotonic clock and the wall clock may drift from it: never run early.
    timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, due! - o.now())));
    timer.unref();
  };
  const fire = () => {
    timer = undefined;
    if (stopped || due === undefined) return;
    if (o.now() < due) return wait();
    const scheduledAt = due;
    running = Promise.resolve()
      .then(() => o.run(scheduledAt))
      .then(
        () => undefined,
        (error) => o.onError?.(error),
      )
      .finally(() => {
        running = undefined;
        arm(Math.max(o.now(), scheduledAt));
      });
  };

  arm(o.now());
  return {
    get nextRunAt() {
      return stopped ? undefined : due;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      return running ?? Promise.resolve();
    },
  };
}
