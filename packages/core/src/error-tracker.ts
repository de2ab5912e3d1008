import type { Breadcrumb, ErrorCategory } from '@waymark/protocol/types';

/** Breadcrumbs kept for the next error report (seed 002: the last 50). */
export const BREADCRUMBS = 50;

/** A ring of the last actions, attached to every error report. */
export function createBreadcrumbs(size = BREADCRUMBS) {
  const ring: Breadcrumb[] = [];
  return {
    add(crumb: Breadcrumb) {
      ring.push(crumb);
      if (ring.length > size) ring.shift();
    },
    list: (): Breadcrumb[] => ring.slice(),
  };
}

const NETWORK = /network|fetch|offline|timeout|timed out|socket|abort|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|HTTP \d/i;
const HARDWARE = /printer|paper|camera|lens|scanner|card reader|usb|sensor|hardware|device (error|fault|not found)|battery|disk/i;

/** Classifies an error as network, hardware or software from its name, code and message. */
export function classify(error: { name?: unknown; code?: unknown; message?: unknown }): ErrorCategory {
  const text = `${String(error.name ?? '')} ${String(error.code ?? '')} ${String(error.message ?? '')}`;
  return NETWORK.test(text) ? 'network' : HARDWARE.test(text) ? 'hardware' : 'software';
}

/** Name, message and stack of anything thrown. */
export function describe(thrown: unknown): { errorType?: string; message: string; stack?: string; code?: unknown } {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown)) {
    const e = thrown as Error & { code?: unknown };
    return { errorType: String(e.name || 'Error').slice(0, 64), message: String(e.message) || String(e.name) || 'Error', stack: typeof e.stack === 'string' ? e.stack : undefined, code: e.code };
  }
  return { message: String(thrown) || 'Error' };
}
