/**
 * The events every phase writes: LOAN journeys (seed 000 §4.1) as a service passes
 * them to `trackProgress()`, and the same events as the SDK stores them in its outbox
 * (`kind`, `eventId`, `service` and `timestamp` filled in), for the baselines.
 */
import { v7 as uuidv7 } from 'uuid';

export interface ProgressCall {
  traceId: string;
  step: string;
  status: 'SUCCESS' | 'FAIL' | 'CANCEL';
  reason: string | null;
  meta: Record<string, unknown>;
}

/** One journey: identity, ID scan, credit bureau, review, payout, with the seed's failures now and then. */
const STEPS: ReadonlyArray<readonly [step: string, subType: string | null, screenId: string, failure?: string]> = [
  ['IDENTITY_VERIFIED', null, 'identity'],
  ['DATA_COLLECTED', 'OCR', 'ocr_upload', 'QUALITY_LOW'],
  ['DATA_COLLECTED', 'CB', 'cb_consent', 'NETWORK_TIMEOUT'],
  ['REVIEWED', null, 'review', 'POLICY_REJECT'],
  ['COMPLETED', null, 'payout'],
];
const CHANNELS = ['MOBILE_WEB', 'MOBILE_APP', 'WEB'];
const DEVICES = ['iPhone12', 'iPhone15,2', 'SM-S911B', 'Pixel 8', 'Chrome 131 / Windows'];

/** `count` calls, journeys interleaved 100 at a time as a busy service makes them; deterministic. */
export function progressCalls(count: number): ProgressCall[] {
  const calls: ProgressCall[] = [];
  let journey = 0;
  const open: Array<{ traceId: string; next: number; meta: Record<string, unknown> }> = [];
  for (let i = 0; calls.length < count; i++) {
    while (open.length < 100) {
      journey++;
      open.push({
        traceId: `TX2025-${String(journey).padStart(7, '0')}`,
        next: 0,
        meta: { channel: CHANNELS[journey % 3], device: DEVICES[journey % 5], clientVersion: `3.0.${journey % 4}` },
      });
    }
    const slot = (i * 7919) % open.length;
    const j = open[slot]!;
    const [step, subType, screenId, failure] = STEPS[j.next]!;
    const fails = failure !== undefined && (i * 2654435761) % 100 < 6;
    calls.push({ traceId: j.traceId, step, status: fails ? 'FAIL' : 'SUCCESS', reason: fails ? failure : null, meta: { ...j.meta, screenId, subType } });
    j.next++;
    if (fails || j.next === STEPS.length) open.splice(slot, 1);
  }
  return calls;
}

/** The outbox row of a call: the item as the SDK stores it, keyed by its uuid v7 id. */
export function outboxRow(call: ProgressCall, service: string): { key: string; item: Record<string, unknown> } {
  const eventId = uuidv7();
  return { key: `q:${eventId}`, item: { ...call, service, timestamp: Date.now(), eventId, kind: 'progress' } };
}
