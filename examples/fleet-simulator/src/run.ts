#!/usr/bin/env node
/**
 * `waymark-fleet --endpoint URL [--devices 20] [--speed 10] [--loans-per-minute 20] [--seed 1]`:
 * simulated kiosks and loan applications sending to a collector until stopped
 * (SIGINT, SIGTERM, or the parent process going away), then flushing what is pending.
 */
import { createWaymark } from '@waymark/node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPace } from './clock.js';
import { createKiosk } from './kiosk.js';
import { loanApplication } from './loans.js';
import { createRandom } from './random.js';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string', default: process.env.WAYMARK_ENDPOINT ?? 'http://127.0.0.1:4318' },
    'write-key': { type: 'string', default: process.env.WAYMARK_WRITE_KEY },
    devices: { type: 'string', default: '20' },
    speed: { type: 'string', default: '10' },
    'loans-per-minute': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
});
const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) {
    console.error(`--${name} must be a positive number, got ${v}`);
    process.exit(2);
  }
  return n;
};
const devices = Math.floor(positive('devices', values.devices));
const speed = positive('speed', values.speed);
const loansPerMinute = positive('loans-per-minute', values['loans-per-minute']);
const seed = Math.floor(positive('seed', values.seed));
const endpoint = values.endpoint!;
const writeKey = values['write-key'];

const pace = createPace(speed);
const errors = new Set<string>();
const onError = (message: string) => {
  // One line per kind of problem, not one per event.
  const kind = message.replace(/^kiosk-\d+: /, '');
  if (!errors.has(kind)) errors.add(kind), console.error(`fleet: ${kind}`);
};

const kiosks = Array.from({ length: devices }, (_, i) =>
  createKiosk({ endpoint, writeKey, deviceId: `kiosk-${String(i + 1).padStart(4, '0')}`, storeId: `store-${String((i % 7) + 1).padStart(2, '0')}`, pace, random: createRandom(seed * 7_919 + i), onError }),
);
const loans = createWaymark({ endpoint, writeKey, service: 'LOAN', outboxDir: mkdtempSync(join(tmpdir(), 'waymark-fleet-')), handleProcess: false, strict: true });
const loanRandom = createRandom(seed);
const running = new Set<Promise<void>>();

async function loanStream() {
  for (let n = 1; !pace.stopped; n++) {
    const p = loanApplication(loans, `LN-${seed}-${String(n).padStart(6, '0')}`, pace, loanRandom);
    running.add(p);
    void p.finally(() => running.delete(p));
    // Arrivals as a Poisson process.
    if (!(await pace.wait((-Math.log(1 - loanRandom.next()) * 60_000) / loansPerMinute))) break;
  }
}

const kiosksDone = Promise.all(kiosks.map((k) => k.run()));
const loansDone = loanStream();
console.log(`fleet: ${devices} kiosks and ${loansPerMinute} loan applications a minute at ${speed}× speed, sending to ${endpoint}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  pace.stop();
  await Promise.all([kiosksDone, loansDone, ...running]);
  const timeout = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
  await Promise.race([Promise.all([...kiosks.map((k) => k.client.shutdown()), loans.shutdown({ timeoutMs: 3_000 })]), timeout]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by `npm start`: stop with the process that started it.
process.on('disconnect', stop);
