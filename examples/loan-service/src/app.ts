/**
 * The loan service's HTTP routes. Each route checks its input, moves the application
 * one step along the journey (`journey.ts`), records that outcome with one
 * `trackProgress()` call, and answers JSON.
 */
import { randomUUID } from 'node:crypto';
import type { Waymark } from '@waymark/node';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { createStandInBureau, type CreditBureau, type CreditReport } from './credit-bureau.js';
import { createStandInOcr, type DocumentOcr } from './document-ocr.js';
import { isFinal, REASONS, stepInProgress, TRANSITIONS, underwrite, type Action, type Decision, type Stage, type Step, type SubType } from './journey.js';

export interface LoanAppOptions {
  /** Where the progress events go; a `createWaymark()` client. */
  waymark: Pick<Waymark, 'trackProgress'>;
  /** Default: a stand-in that times out on 5 % of calls. */
  bureau?: CreditBureau;
  /** Default: a stand-in that refuses blurred and small scans. */
  ocr?: DocumentOcr;
  /** How long a credit report may take before the check fails with NETWORK_TIMEOUT. Default 800 ms. */
  bureauTimeoutMs?: number;
  /** New application ids. Default: random UUIDs. */
  newId?: () => string;
}

const CHANNELS = ['WEB', 'MOBILE_APP', 'MOBILE_WEB'] as const;

const NewApplication = z.strictObject({
  /** The bank's own customer number. */
  customerRef: z.string().min(1).max(64),
  channel: z.enum(CHANNELS),
  clientVersion: z.string().min(1).max(32),
  /** KRW. */
  amount: z.number().int().min(1_000_000).max(300_000_000),
  termMonths: z.number().int().min(6).max(120),
  /** KRW a year. */
  annualIncome: z.number().int().min(1).max(10_000_000_000),
});

const IdentityCheck = z.strictObject({ method: z.enum(['MOBILE_CARRIER', 'PASS', 'JOINT_CERTIFICATE']) });

const DocumentUpload = z.strictObject({
  documentType: z.enum(['ID_CARD', 'DRIVER_LICENSE']),
  image: z.strictObject({
    width: z.number().int().min(1).max(20_000),
    height: z.number().int().min(1).max(20_000),
    sharpness: z.number().min(0).max(1),
  }),
});

const CreditConsent = z.strictObject({ consent: z.literal(true) });
const Payout = z.strictObject({ accountNo: z.string().regex(/^\d{10,14}$/) });
const Cancel = z.strictObject({ screenId: z.string().min(1).max(64).optional() });

type Applicant = z.infer<typeof NewApplication>;

/** What the service knows of one application; `id` is the journey's traceId. */
interface Application extends Applicant {
  id: string;
  stage: Stage;
  /** A request is working on it; a second one at the same time gets 409. */
  busy: boolean;
  /** Attempts per data step, for `meta.attempt`. */
  attempts: { documents: number; creditCheck: number };
  report?: CreditReport;
  decision?: Decision;
}

type Status = 'SUCCESS' | 'FAIL' | 'CANCEL';

/** The next route an applicant at `stage` calls. */
const NEXT: Partial<Record<Stage, string>> = {
  STARTED: 'identity',
  IDENTITY_VERIFIED: 'documents',
  DOCUMENT_READ: 'credit-check',
  CREDIT_CHECKED: 'review',
  APPROVED: 'complete',
};

function fail(c: Context, status: 400 | 404 | 409 | 422 | 500 | 502 | 504, code: string, message: string, extra?: Record<string, unknown>) {
  return c.json({ error: { code, message, ...extra } }, status);
}

/** The body parsed by `schema`, or the 400 that names the field and rule it broke. */
async function body<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text ? JSON.parse(text) : {};
  } catch {
    return { ok: false, response: fail(c, 400, 'invalid_json', 'the body is not JSON') };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.'), rule: i.code, message: i.message }));
  const first = errors[0]!;
  return { ok: false, response: fail(c, 400, 'validation_failed', `${first.path || 'body'}: ${first.message} (rule: ${first.rule})`, { errors }) };
}

/** Builds the service's Hono app around a Waymark client, so tests can serve it or call `app.fetch`. */
export function createApp(options: LoanAppOptions): Hono {
  const { waymark, bureau = createStandInBureau(), ocr = createStandInOcr(), bureauTimeoutMs = 800, newId = randomUUID } = options;
  const applications = new Map<string, Application>();

  /** Records one outcome of the journey (seed 000 §2); handlers call it before changing the stage, so a throw changes nothing. */
  function track(a: Application, where: { step: Step; subType: SubType }, status: Status, reason: string | null = null, meta: Record<string, unknown> = {}) {
    waymark.trackProgress({
      traceId: a.id,
      step: where.step,
      status,
      reason,
      meta: { channel: a.channel, clientVersion: a.clientVersion, subType: where.subType, ...meta },
    });
  }

  const view = (a: Application) => ({ id: a.id, stage: a.stage, next: NEXT[a.stage] ?? null });

  /**
   * Runs `handle` on application `:id` if `action` may run now: 404 for an unknown
   * id, 409 for a final application, a wrong stage, or one another request is working on.
   */
  async function step(c: Context, action: Action, handle: (a: Application) => Promise<Response> | Response): Promise<Response> {
    const a = applications.get(c.req.param('id') ?? '');
    if (!a) return fail(c, 404, 'not_found', 'no application with this id');
    const { from } = TRANSITIONS[action];
    if (a.stage !== from) return fail(c, 409, 'wrong_stage', `${action} needs stage ${from}; the application is at ${a.stage}`, { stage: a.stage, next: NEXT[a.stage] ?? null });
    if (a.busy) return fail(c, 409, 'busy', 'another request is working on this application');
    a.busy = true;
    try {
      return await handle(a);
    } finally {
      a.busy = false;
    }
  }

  const app = new Hono();

  app.post('/applications', async (c) => {
    const input = await body(c, NewApplication);
    if (!input.ok) return input.response;
    const a: Application = { ...input.value, id: newId(), stage: 'STARTED', busy: false, attempts: { documents: 0, creditCheck: 0 } };
    applications.set(a.id, a);
    return c.json(view(a), 201);
  });

  app.get('/applications/:id', (c) => {
    const a = applications.get(c.req.param('id'));
    return a ? c.json({ ...view(a), decision: a.decision ?? null }) : fail(c, 404, 'not_found', 'no application with this id');
  });

  app.post('/applications/:id/identity', async (c) => {
    const input = await body(c, IdentityCheck);
    if (!input.ok) return input.response;
    return step(c, 'identity', (a) => {
      track(a, TRANSITIONS.identity, 'SUCCESS', null, { method: input.value.method, screenId: 'identity' });
      a.stage = TRANSITIONS.identity.to;
      return c.json(view(a));
    });
  });

  app.post('/applications/:id/documents', async (c) => {
    const input = await body(c, DocumentUpload);
    if (!input.ok) return input.response;
    return step(c, 'documents', (a) => {
      const attempt = ++a.attempts.documents;
      const meta = { attempt, documentType: input.value.documentType, screenId: 'ocr_upload' };
      const result = ocr.read({ documentType: input.value.documentType, ...input.value.image });
      if (!result.readable) {
        track(a, TRANSITIONS.documents, 'FAIL', REASONS.blurryScan, meta);
        return fail(c, 422, REASONS.blurryScan, `the scan cannot be read: ${result.why}; take it again`, { attempt });
      }
      track(a, TRANSITIONS.documents, 'SUCCESS', null, { ...meta, confidence: result.confidence });
      a.stage = TRANSITIONS.documents.to;
      return c.json(view(a));
    });
  });

  app.post('/applications/:id/credit-check', async (c) => {
    const input = await body(c, CreditConsent);
    if (!input.ok) return input.response;
    return step(c, 'creditCheck', async (a) => {
      const attempt = ++a.attempts.creditCheck;
      const signal = AbortSignal.timeout(bureauTimeoutMs);
      const started = performance.now();
      try {
        a.report = await bureau.report(a.customerRef, signal);
      } catch (error) {
        const timedOut = signal.aborted;
        const reason = timedOut ? REASONS.bureauTimeout : 'BUREAU_ERROR';
        track(a, TRANSITIONS.creditCheck, 'FAIL', reason, { attempt, waitedMs: Math.round(performance.now() - started) });
        return timedOut
          ? fail(c, 504, reason, `the credit bureau did not answer within ${bureauTimeoutMs} ms; try again`, { attempt })
          : fail(c, 502, reason, `the credit bureau failed: ${String(error)}`, { attempt });
      }
      track(a, TRANSITIONS.creditCheck, 'SUCCESS', null, { attempt, waitedMs: Math.round(performance.now() - started) });
      a.stage = TRANSITIONS.creditCheck.to;
      return c.json(view(a));
    });
  });

  app.post('/applications/:id/review', (c) =>
    step(c, 'review', (a) => {
      const decision = underwrite({ ...a, ...a.report! });
      if (!decision.approved) {
        track(a, TRANSITIONS.review, 'FAIL', REASONS.policy, { rule: decision.rule });
        a.decision = decision;
        a.stage = 'REJECTED';
        return c.json({ ...view(a), decision: { approved: false, reason: REASONS.policy, rule: decision.rule } });
      }
      track(a, TRANSITIONS.review, 'SUCCESS');
      a.decision = decision;
      a.stage = TRANSITIONS.review.to;
      return c.json({ ...view(a), decision });
    }),
  );

  app.post('/applications/:id/complete', async (c) => {
    const input = await body(c, Payout);
    if (!input.ok) return input.response;
    return step(c, 'complete', (a) => {
      track(a, TRANSITIONS.complete, 'SUCCESS', null, { amount: a.amount, termMonths: a.termMonths });
      a.stage = TRANSITIONS.complete.to;
      return c.json({ ...view(a), paidTo: `****${input.value.accountNo.slice(-4)}` });
    });
  });

  app.post('/applications/:id/cancel', async (c) => {
    const input = await body(c, Cancel);
    if (!input.ok) return input.response;
    const a = applications.get(c.req.param('id'));
    if (!a) return fail(c, 404, 'not_found', 'no application with this id');
    if (isFinal(a.stage)) return fail(c, 409, 'wrong_stage', `the application is already ${a.stage}`, { stage: a.stage });
    if (a.busy) return fail(c, 409, 'busy', 'another request is working on this application');
    track(a, stepInProgress(a.stage)!, 'CANCEL', REASONS.applicantQuit, input.value.screenId ? { screenId: input.value.screenId } : {});
    a.stage = 'CANCELLED';
    return c.json(view(a));
  });

  app.notFound((c) => fail(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    console.error(error);
    return fail(c, 500, 'internal', 'the service failed');
  });
  return app;
}
