import type { Context } from 'hono';
import type { BatchOutcome } from '../ingest/ingest.js';
import type { CollectorEnv } from './env.js';
import { fail, invalid } from './error-body.js';

/**
 * Answers a batch: 200 with the ingest result when any item was valid (the rejected
 * ones listed by index), 400 with the same result when none was. `list` names the
 * body field holding the items, for the error paths.
 *
 * Takes the pending outcome so that routes return it without awaiting: a route
 * suspended on the commit would keep its parsed body alive until then (see ingestBatch).
 */
export function answerBatch(c: Context<CollectorEnv>, pending: Promise<BatchOutcome>, list: string): Promise<Response> {
  return pending.then((outcome) => answerOutcome(c, outcome, list));
}

function answerOutcome(c: Context<CollectorEnv>, outcome: BatchOutcome, list: string) {
  c.set('counts', outcome.counts);
  const { result } = outcome;
  if (result.rejected.length > 0 && result.accepted + result.duplicates === 0) {
    return invalid(
      c,
      result.rejected.flatMap((r) => r.errors.map((e) => ({ ...e, path: `${list ? `${list}.` : ''}${r.index}${e.path ? `.${e.path}` : ''}` }))),
      result,
    );
  }
  return c.json(result, 200);
}

/** 404 for an id the store does not hold. */
export function notFound(c: Context, what: string, path: string) {
  return fail(c, 404, 'not_found', `no ${what} with this ${path}`, [{ path, rule: 'exists', message: `no ${what} has this ${path}` }]);
}
