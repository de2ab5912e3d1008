/**
 * The credit bureau the service asks for a report, and a stand-in for it that behaves
 * like a remote one: it takes a few milliseconds, and now and then does not answer at
 * all, so the caller's timeout fires.
 */
import { between, hashUnit } from './seeded-random.js';

export interface CreditReport {
  /** 300–1000, higher is better. */
  creditScore: number;
  /** Yearly repayments of the loans the customer holds elsewhere, KRW. */
  annualDebtPayments: number;
}

export interface CreditBureau {
  /** Rejects with `signal.reason` when `signal` aborts first. */
  report(customerRef: string, signal: AbortSignal): Promise<CreditReport>;
}

export interface StandInBureauOptions {
  /** Share of calls that never answer. Default 0.05. */
  timeoutRate?: number;
  /** Makes the timeouts, scores and latencies reproducible. Default 1. */
  seed?: number;
}

/**
 * A stand-in bureau. Whether a call answers depends on the customer and on how many
 * times they have been looked up, not on timing, so a run with the same seed and the
 * same customers meets the same timeouts however requests interleave.
 */
export function createStandInBureau({ timeoutRate = 0.05, seed = 1 }: StandInBureauOptions = {}): CreditBureau {
  const calls = new Map<string, number>();
  return {
    report(customerRef, signal) {
      const call = (calls.get(customerRef) ?? 0) + 1;
      calls.set(customerRef, call);
      const hangs = hashUnit(seed, customerRef, 'call', call) < timeoutRate;
      const latencyMs = between(hashUnit(seed, customerRef, 'latency', call), 3, 25);
      // Most customers score 640–950; about one in thirty is under 600.
      const low = hashUnit(seed, customerRef, 'low') < 1 / 30;
      const creditScore = between(hashUnit(seed, customerRef, 'score'), low ? 420 : 640, low ? 599 : 950);
      const annualDebtPayments = between(hashUnit(seed, customerRef, 'debt'), 0, 40) * 120_000;
      return new Promise((resolve, reject) => {
        const abort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = hangs ? undefined : setTimeout(() => {
          signal.removeEventListener('abort', abort);
          resolve({ creditScore, annualDebtPayments });
        }, latencyMs);
        if (signal.aborted) return abort();
        signal.addEventListener('abort', abort, { once: true });
      });
    },
  };
}
