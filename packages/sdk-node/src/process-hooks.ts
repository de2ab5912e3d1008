/**
 * Process life: flush on `beforeExit`, SIGTERM and SIGINT without changing what the
 * signal does, and report uncaught errors before the process ends as it would have.
 */

export interface HookTarget {
  shutdown(o?: { timeoutMs?: number }): Promise<void>;
  flush(): Promise<void>;
  pending(): number;
  sent(): number;
  captureFatal(error: unknown, origin: string): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the hooks; returns what removes them. */
export function installProcessHooks(w: HookTarget, shutdownTimeoutMs: number): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    // With no other listener, Node would have ended the process: do so once flushed.
    const alone = process.listenerCount(signal) === 1;
    void w.shutdown({ timeoutMs: shutdownTimeoutMs }).finally(() => {
      if (!alone) return;
      remove();
      process.kill(process.pid, signal);
    });
  };
  // beforeExit comes again after the flush's own work; flush again only if the last
  // one got something through, so an unreachable collector does not hold the process.
  let sentAtLastTry = -1;
  const onBeforeExit = () => {
    if (w.pending() === 0 || w.sent() === sentAtLastTry) return;
    sentAtLastTry = w.sent();
    void w.flush();
  };
  // The monitor sees the error without handling it: the process still ends as it would
  // have. The report is on disk by then (the outbox writes synchronously), and goes
  // out now if the process lives long enough, else at the next start.
  const onUncaught = (error: Error, origin: string) => w.captureFatal(error, origin);
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('beforeExit', onBeforeExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
  function remove() {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('uncaughtExceptionMonitor', onUncaught);
  }
  return remove;
}
