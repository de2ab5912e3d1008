import { SessionPatchSchema, SessionSchema, validate } from '@waymark/protocol';
import type { FieldError } from '@waymark/protocol/types';
import { quarantineText, type Arrival } from '../ingest/ingest.js';
import type { PatchResult, Store, StoredSession } from '../store/store.js';

export type CreateSessionOutcome =
  | { status: 'invalid'; errors: FieldError[] }
  | { status: 'created' | 'exists'; session: StoredSession };

/** Creates a session record; a sessionId already stored is left as it is (a retried create is harmless). */
export async function createSession(store: Store, raw: unknown, arrival: Arrival): Promise<CreateSessionOutcome> {
  const check = validate(SessionSchema, raw);
  if (!check.ok) {
    await store.quarantine([{ receivedAt: arrival.receivedAt, route: arrival.route, kind: 'session', index: null, errors: check.errors, body: quarantineText(raw) }]);
    return { status: 'invalid', errors: check.errors };
  }
  const { created, session } = await store.createSession(check.value, { receivedAt: arrival.receivedAt });
  return { status: created ? 'created' : 'exists', session };
}

export type PatchSessionOutcome = { status: 'invalid'; errors: FieldError[] } | PatchResult;

/** Updates the fields a PATCH names; an ended session keeps its status. */
export async function patchSession(store: Store, sessionId: string, raw: unknown, now: number): Promise<PatchSessionOutcome> {
  const check = validate(SessionPatchSchema, raw);
  if (!check.ok) return { status: 'invalid', errors: check.errors };
  return store.patchSession(sessionId, check.value, now);
}
