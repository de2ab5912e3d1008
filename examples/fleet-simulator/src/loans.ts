/**
 * Loan applications through a backend service's `trackProgress()` (seed 000 §4.1):
 * identity verified, data collected by OCR and by the credit bureau, reviewed,
 * completed — with blurry scans, bureau timeouts, policy rejections, applicants who
 * quit, and some who simply stop (the collector's sweeper then marks them DROPPED).
 */
import type { Waymark } from '@waymark/node';
import type { Pace } from './clock.js';
import type { Random } from './random.js';

const CHANNELS = ['WEB', 'MOBILE_APP', 'MOBILE_APP', 'MOBILE_WEB'] as const;

export async function loanApplication(waymark: Pick<Waymark, 'trackProgress'>, id: string, pace: Pace, r: Random): Promise<void> {
  const channel = r.pick(CHANNELS);
  const meta = { channel, clientVersion: r.pick(['3.0.1', '3.1.0', '3.1.2']) };
  const step = (step: string, status: 'SUCCESS' | 'FAIL' | 'CANCEL', reason: string | null = null, subType?: string) =>
    waymark.trackProgress({ traceId: id, step, status, reason, meta: subType ? { ...meta, subType } : meta });
  const think = (min: number, max: number) => pace.wait(r.between(min, max) * 1_000);
  /** Quits (CANCEL) or stops answering (a stall the collector turns into DROPPED). */
  const leaves = (at: string) => {
    if (r.chance(0.05)) return step(at, 'CANCEL', 'USER_ABORT'), true;
    return r.chance(0.04);
  };

  step('IDENTITY_VERIFIED', 'SUCCESS');
  if (!(await think(20, 90)) || leaves('DATA_COLLECTED')) return;
  // The ID scan, retried when blurry.
  for (let attempt = 0; ; attempt++) {
    if (!r.chance(attempt ? 0.3 : 0.12)) break;
    step('DATA_COLLECTED', 'FAIL', 'QUALITY_LOW', 'OCR');
    if (attempt === 1 || !(await think(10, 40))) return;
  }
  step('DATA_COLLECTED', 'SUCCESS', null, 'OCR');
  if (!(await think(2, 20))) return;
  // The credit bureau, retried once on a timeout.
  if (r.chance(0.06)) {
    step('DATA_COLLECTED', 'FAIL', 'NETWORK_TIMEOUT', 'CB');
    if (r.chance(0.3) || !(await think(5, 30))) return;
  }
  step('DATA_COLLECTED', 'SUCCESS', null, 'CB');
  if (!(await think(30, 300)) || leaves('REVIEWED')) return;
  if (r.chance(0.14)) {
    step('REVIEWED', 'FAIL', 'POLICY_REJECT');
    return;
  }
  step('REVIEWED', 'SUCCESS');
  if (!(await think(10, 60)) || leaves('COMPLETED')) return;
  step('COMPLETED', 'SUCCESS');
}
