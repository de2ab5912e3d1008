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

const NETWORK = /network|fetch|load failed|offline|time.?out|socket|abort|E(CONN|NOTFOUND|AI_AGAIN|PIPE)/i;
const HARDWARE = /printer|paper|camera|scanner|card reader|usb|sensor|hardware|battery|disk/i;

/** Classifies an error as network, hardware or software from its name, code and message. */
export function classify(error: { errorType?: unknown; name?: unknown; code?: unknown; message?: unknown }): ErrorCategory {
  const text = `${error.errorType ?? error.name} ${error.code} ${error.message}`;
  return NETWORK.test(text) ? 'network' : HARDWARE.test(text) ? 'hardware' : 'software';
}

/** Name, message, stack and code of anything thrown. */
export function describe(thrown: unknown): { errorType?: string; message: string; stack?: string; code?: unknown } {
  const e = (Object(thrown) === thrown ? thrown : {}) as Partial<Error> & { code?: unknown };
  const name = e.name ? String(e.name).slice(0, 64) : undefined;
  return { errorType: name, message: String(e.message ?? thrown) || name || 'Error', stack: typeof e.stack === 'string' ? e.stack : undefined, code: e.code };
}
