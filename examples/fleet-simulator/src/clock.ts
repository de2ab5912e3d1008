/** Simulated time: durations are divided by `speed`, so a ten-minute session can take a minute. */
export interface Pace {
  speed: number;
  /** Waits `ms` of simulated time; resolves early (false) when the run stops. */
  wait(ms: number): Promise<boolean>;
  stop(): void;
  readonly stopped: boolean;
}

export function createPace(speed: number): Pace {
  const waiting = new Set<() => void>();
  let stopped = false;
  return {
    speed,
    get stopped() {
      return stopped;
    },
    wait(ms) {
      if (stopped) return Promise.resolve(false);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve(!stopped);
        };
        const timer = setTimeout(done, ms / speed);
        waiting.add(done);
      });
    },
    stop() {
      stopped = true;
      for (const done of [...waiting]) done();
    },
  };
}
