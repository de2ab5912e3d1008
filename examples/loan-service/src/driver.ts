/**
 * Sends applicants through a running loan service, the way real ones go: most get
 * their loan, some scan a blurred ID card and take it again, some meet a credit-bureau
 * timeout and retry, some quit along the way, some are refused at review. Every
 * choice comes from a generator seeded per applicant, so a seed gives the same run
 * whatever the concurrency.
 */
import { createRandom, between } from './seeded-random.js';

export interface DriveOptions {
  /** The service's base URL. */
  url: string;
  /** Default 100. */
  applications?: number;
  /** Default 1. */
  seed?: number;
  /** Applicants in flight at once. Default 8. */
  concurrency?: number;
}

export type Outcome = 'COMPLETED' | 'POLICY_REJECT' | 'USER_ABORT';

export interface DriveSummary {
  applications: number;
  /** How each application ended. */
  outcomes: Record<Outcome, number>;
  /** Where the applicants who quit were: `DATA_COLLECTED/OCR`, `REVIEWED`… */
  quitAt: Record<string, number>;
  /** FAIL events the service recorded for system failures, and applications that got past them by retrying. */
  failures: Record<'QUALITY_LOW' | 'NETWORK_TIMEOUT', { events: number; recovered: number }>;
  /** Progress events the service said it recorded: one per answered step, cancel included. */
  events: number;
  /** The service's application ids, in applicant order. */
  traceIds: string[];
  ms: number;
}

/** Share of applicants who quit, and where (the step they were on). */
const QUIT = { rate: 0.1, at: [['DATA_COLLECTED/OCR', 0.35], ['DATA_COLLECTED/CB', 0.2], ['REVIEWED', 0.15], ['COMPLETED', 0.3]] as const };
/** First scan blurred; a retake blurred too; takes before giving up. */
const SCAN = { blurredFirst: 0.08, blurredRetake: 0.3, maxTakes: 3 };
/** Credit checks before giving up (the service's bureau decides which time out). */
const CREDIT_TRIES = 3;
/** Applicants who ask for more than the policy allows for their income. */
const OVERREACH = 0.1;

const CHANNELS = [['MOBILE_APP', 0.55], ['MOBILE_WEB', 0.3], ['WEB', 0.15]] as const;
const VERSIONS = ['3.0.1', '3.1.0', '3.2.0'];
const ID_METHODS = ['MOBILE_CARRIER', 'PASS', 'JOINT_CERTIFICATE'];

const weighted = <T>(u: number, choices: ReadonlyArray<readonly [T, number]>): T => {
  let acc = 0;
  for (const [value, w] of choices) if (u < (acc += w)) return value;
  return choices[choices.length - 1]![0];
};

class UnexpectedAnswer extends Error {
  override readonly name = 'UnexpectedAnswer';
}

/** Runs the applicants, `concurrency` at a time, and sums up how they went. */
export async function drive({ url, applications = 100, seed = 1, concurrency = 8 }: DriveOptions): Promise<DriveSummary> {
  const base = url.replace(/\/+$/, '');
  const summary: DriveSummary = {
    applications,
    outcomes: { COMPLETED: 0, POLICY_REJECT: 0, USER_ABORT: 0 },
    quitAt: {},
    failures: { QUALITY_LOW: { events: 0, recovered: 0 }, NETWORK_TIMEOUT: { events: 0, recovered: 0 } },
    events: 0,
    traceIds: new Array<string>(applications),
    ms: 0,
  };

  async function call(path: string, body: unknown, expected: number[]): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (!expected.includes(res.status)) throw new UnexpectedAnswer(`POST ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return { status: res.status, json };
  }

  async function applicant(n: number): Promise<void> {
    const rand = createRandom((seed * 1_000_003 + n) >>> 0);
    const quitAt = rand() < QUIT.rate ? weighted(rand(), QUIT.at) : undefined;
    const annualIncome = between(rand(), 36, 120) * 1_000_000;
    const termMonths = [12, 24, 36, 60][between(rand(), 0, 3)]!;
    // Yearly repayments of this loan: about 5–20 % of income, or 45–75 % for one who asks too much.
    const share = rand() < OVERREACH ? 0.5 + 0.35 * rand() : 0.05 + 0.17 * rand();
    const amount = Math.min(300_000_000, Math.max(1_000_000, Math.round((annualIncome * share * termMonths) / 12 / 1.2 / 100_000) * 100_000));
    const created = await call(
      '/applications',
      { customerRef: `C${seed}-${String(n).padStart(6, '0')}`, channel: weighted(rand(), CHANNELS), clientVersion: VERSIONS[between(rand(), 0, 2)]!, amount, termMonths, annualIncome },
      [201],
    );
    const id = created.json.id as string;
    summary.traceIds[n] = id;
    const app = `/applications/${encodeURIComponent(id)}`;
    const tracked = async (path: string, body: unknown, expected: number[]) => {
      const r = await call(app + path, body, expected);
      summary.events++;
      return r;
    };
    const quit = async (where: string, screenId: string) => {
      await tracked('/cancel', { screenId }, [200]);
      summary.outcomes.USER_ABORT++;
      summary.quitAt[where] = (summary.quitAt[where] ?? 0) + 1;
    };

    await tracked('/identity', { method: ID_METHODS[between(rand(), 0, 2)] }, [200]);

    if (quitAt === 'DATA_COLLECTED/OCR') return quit(quitAt, 'ocr_guide');
    let read = false;
    for (let take = 1; take <= SCAN.maxTakes && !read; take++) {
      const blurred = rand() < (take === 1 ? SCAN.blurredFirst : SCAN.blurredRetake);
      const sharpness = blurred ? 0.1 + 0.3 * rand() : 0.55 + 0.45 * rand();
      const r = await tracked('/documents', { documentType: rand() < 0.8 ? 'ID_CARD' : 'DRIVER_LICENSE', image: { width: 1920, height: 1080, sharpness } }, [200, 422]);
      read = r.status === 200;
      if (!read) summary.failures.QUALITY_LOW.events++;
      else if (take > 1) summary.failures.QUALITY_LOW.recovered++;
    }
    if (!read) return quit('DATA_COLLECTED/OCR', 'ocr_retake');

    if (quitAt === 'DATA_COLLECTED/CB') return quit(quitAt, 'cb_consent');
    let checked = false;
    for (let tries = 1; tries <= CREDIT_TRIES && !checked; tries++) {
      const r = await tracked('/credit-check', { consent: true }, [200, 504]);
      checked = r.status === 200;
      if (!checked) summary.failures.NETWORK_TIMEOUT.events++;
      else if (tries > 1) summary.failures.NETWORK_TIMEOUT.recovered++;
    }
    if (!checked) return quit('DATA_COLLECTED/CB', 'cb_retry');

    if (quitAt === 'REVIEWED') return quit(quitAt, 'review_wait');
    const review = await tracked('/review', {}, [200]);
    if ((review.json.decision as { approved: boolean }).approved === false) {
      summary.outcomes.POLICY_REJECT++;
      return;
    }

    if (quitAt === 'COMPLETED') return quit(quitAt, 'offer');
    await tracked('/complete', { accountNo: String(between(rand(), 1e11, 1e12 - 1)) }, [200]);
    summary.outcomes.COMPLETED++;
  }

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < applications) await applicant(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, applications) }, worker));
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

/** The summary as a short report. */
export function formatSummary(s: DriveSummary): string {
  const pct = (n: number) => `${((n / s.applications) * 100).toFixed(0)} %`;
  const row = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  const quitAt = Object.entries(s.quitAt)
    .sort(([, a], [, b]) => b - a)
    .map(([where, n]) => `${where} ${n}`)
    .join(', ');
  return [
    row(['outcome', 'applications', 'share']),
    row(['---', '---:', '---:']),
    row(['COMPLETED', s.outcomes.COMPLETED, pct(s.outcomes.COMPLETED)]),
    row(['REVIEWED FAIL / POLICY_REJECT', s.outcomes.POLICY_REJECT, pct(s.outcomes.POLICY_REJECT)]),
    row([`CANCEL / USER_ABORT (${quitAt || 'none'})`, s.outcomes.USER_ABORT, pct(s.outcomes.USER_ABORT)]),
    '',
    row(['system failure', 'FAIL events', 'applications past it on a retry']),
    row(['---', '---:', '---:']),
    row(['DATA_COLLECTED/OCR QUALITY_LOW', s.failures.QUALITY_LOW.events, s.failures.QUALITY_LOW.recovered]),
    row(['DATA_COLLECTED/CB NETWORK_TIMEOUT', s.failures.NETWORK_TIMEOUT.events, s.failures.NETWORK_TIMEOUT.recovered]),
    '',
    `${s.events} progress events recorded for ${s.applications} applications in ${(s.ms / 1000).toFixed(1)} s`,
  ].join('\n');
}
