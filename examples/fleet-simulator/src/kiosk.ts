/**
 * One simulated photo kiosk: customers come and go through the 8-stage funnel of seed
 * 002, recorded by the core client as the real kiosk app records them — screens, taps,
 * selections, scrolls, timings, purchases, printer jams, cancels and people who walk
 * away (the session then times out and the funnel sends DROPPED).
 */
import { createClient, createMemoryStorage, type Client } from '@waymark/core';
import { createHttpTransport, nodeClock } from '@waymark/node';
import type { Pace } from './clock.js';
import type { Random } from './random.js';

export const STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'] as const;
type Stage = (typeof STAGES)[number];
const STEPS = { payment: 'FORM_SUBMITTED', print: 'REVIEWED', done: 'COMPLETED' };

/** Seconds a customer spends on a stage: [min, max). */
const DWELL_S: Record<Stage, [number, number]> = {
  attract: [3, 10],
  frame_select: [15, 60],
  options: [10, 40],
  payment: [15, 45],
  capture: [20, 45],
  edit: [20, 90],
  print: [30, 60],
  done: [5, 15],
};

/** Chance that a customer walks away on a stage, never to touch the kiosk again. */
const WALK_AWAY: Partial<Record<Stage, number>> = { frame_select: 0.12, options: 0.08, payment: 0.1, capture: 0.02, edit: 0.04 };
/** Chance of pressing Cancel on a stage. */
const CANCEL: Partial<Record<Stage, number>> = { options: 0.04, payment: 0.05, edit: 0.02 };

const FRAMES = ['classic-4cut', 'gold-2cut', 'film-strip', 'polaroid', 'heart-1cut'];
const PAYMENT_METHODS = ['card', 'card', 'card', 'mobile_pay', 'cash'];
const PRICE_KRW = 4_000;

export interface KioskOptions {
  endpoint: string;
  writeKey?: string;
  deviceId: string;
  storeId: string;
  pace: Pace;
  random: Random;
  /** Printer jams per print. */
  jamRate?: number;
  onError?: (message: string) => void;
}

export function createKiosk(o: KioskOptions) {
  const { pace, random: r } = o;
  const client: Client = createClient(
    {
      endpoint: o.endpoint,
      writeKey: o.writeKey,
      service: 'PHOTO_KIOSK',
      deviceId: o.deviceId,
      storeId: o.storeId,
      countryCode: 'KR',
      // A walk-away is noticed after two minutes of kiosk time.
      sessionTimeoutMs: Math.max(1_000, Math.round(120_000 / pace.speed)),
      funnel: { stages: [...STAGES], steps: STEPS },
      onError: (e) => o.onError?.(`${o.deviceId}: ${e.code} ${e.message}`),
    },
    { storage: createMemoryStorage(), transport: createHttpTransport(o), platform: { sdk: { name: '@waymark/example-fleet-simulator', version: '0.0.0' } }, clock: nodeClock },
  );
  client.assignVariant('price_display', ['plain', 'bold']);

  const dwell = (stage: Stage) => pace.wait(r.between(...DWELL_S[stage]) * 1_000);
  const taps = (n: number, targets: readonly string[]) => {
    for (let i = 0; i < n; i++) {
      const miss = r.chance(0.08);
      client.track('tap', {
        target: miss ? 'background' : r.pick(targets),
        hitResult: miss ? 'miss' : 'success',
        position: { x: Math.round(r.next() * 1e4) / 1e4, y: Math.round(r.next() * 1e4) / 1e4 },
        ...(miss ? { nearestTarget: r.pick(targets), distanceToTarget: Math.round(r.between(4, 60)) } : {}),
      });
    }
  };
  /** A metric of simulated duration (the kiosk does not really print). */
  const metric = (metricType: 'capture' | 'render' | 'print' | 'payment', durationMs: number, success: boolean, breakdown?: Record<string, number>) =>
    client.recordMetric({ metricType, durationMs: Math.round(durationMs), success, breakdown });

  /** One customer, attract to done or to wherever they stop. Resolves when they leave: true when they walked away. */
  async function customer(): Promise<boolean> {
    client.screen('attract');
    if (!(await dwell('attract'))) return false;
    taps(1, ['start']);
    for (let i = 1; i < STAGES.length; i++) {
      const stage = STAGES[i]!;
      client.screen(stage);
      if (stage === 'frame_select') {
        const frames = Math.floor(r.between(1, 4));
        for (let f = 0; f < frames; f++) client.select(r.pick(FRAMES));
        if (r.chance(0.4)) client.deselect(r.pick(FRAMES));
        client.track('scroll', { scrollDepth: Math.round(r.between(30, 100)) });
      }
      if (stage === 'options') taps(Math.floor(r.between(1, 5)), ['copies-plus', 'copies-minus', 'filter-bw', 'filter-warm', 'next']);
      if (!(await dwell(stage))) return false;
      if (r.chance(WALK_AWAY[stage] ?? 0)) return true; // gone: the session times out
      if (r.chance(CANCEL[stage] ?? 0)) {
        taps(1, ['cancel']);
        client.cancel('USER_ABORT');
        return false;
      }
      if (stage === 'options' && r.chance(0.08)) {
        client.back();
        client.screen('frame_select'); // backs out to change the frame
        if (!(await dwell('frame_select'))) return false;
        client.screen('options');
      }
      if (stage === 'payment') {
        const declined = r.chance(0.04);
        metric('payment', r.between(1_200, declined ? 9_000 : 5_000), !declined);
        if (declined) {
          client.captureError(new Error('Card declined by issuer'), { category: 'network', errorType: 'PAYMENT_DECLINED', severity: 'error' });
          client.endSession('error', 'PAYMENT_DECLINED');
          return false;
        }
        const copies = r.chance(0.3) ? 2 : 1;
        const gross = PRICE_KRW * copies;
        const discount = r.chance(0.15) ? 1_000 : 0;
        const tax = Math.round((gross - discount) / 11);
        client.trackPurchase({ amounts: { gross, discount, tax, net: gross - discount - tax }, currency: 'KRW', paymentMethod: r.pick(PAYMENT_METHODS) });
      }
      if (stage === 'capture') {
        const shutter = r.between(80, 400);
        const save = r.between(300, 1_500);
        metric('capture', shutter + save, true, { shutter, save });
        taps(Math.floor(r.between(4, 9)), ['shutter', 'retake', 'next']);
      }
      if (stage === 'edit') metric('render', r.between(400, 3_500), r.chance(0.99));
      if (stage === 'print') {
        const jam = r.chance(o.jamRate ?? 0.05);
        metric('print', r.between(jam ? 20_000 : 25_000, jam ? 40_000 : 55_000), !jam);
        if (jam) {
          client.addBreadcrumb('custom', 'printer tray 2 selected');
          client.captureError(new Error('Printer paper jam'), { category: 'hardware', errorType: 'PRINTER_JAM', severity: 'error' });
          client.endSession('error', 'PRINTER_JAM');
          return false;
        }
      }
      if (stage === 'done') client.endSession('completed');
    }
    return false;
  }

  return {
    client,
    /** Serves customers until the run stops. */
    async run() {
      // Kiosks do not all open at the same second.
      await pace.wait(r.between(0, 20_000));
      while (!pace.stopped) {
        const walkedAway = await customer();
        // The next customer comes after a while; after a walk-away, not before the
        // abandoned session has timed out (else it would carry on as theirs).
        await pace.wait(walkedAway ? r.between(125_000, 240_000) : r.between(20_000, 150_000));
      }
    },
  };
}
