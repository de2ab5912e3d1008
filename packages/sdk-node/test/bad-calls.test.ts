/**
 * Bad calls: strict throws `WaymarkValidationError` naming the field, lenient reports
 * it through onError; either way nothing of the bad event is stored or sent, and no
 * promise of the SDK rejects unhandled, also while the collector is unreachable.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWaymark, WaymarkValidationError, type NodeProgressInput, type WaymarkError } from '../src/index.js';
import { loanEvent } from './fixtures/loan-journey.js';
import { listAll, type StoredProgress } from './support/collector-reads.js';
import { fakeFront, tempDir, testCollector, type FrontAnswer } from './support/servers.js';

const good = (traceId: string): NodeProgressInput => ({ traceId, step: 'DATA_COLLECTED', status: 'SUCCESS', meta: { channel: 'MOBILE_WEB', screenId: 'ocr_upload' } });

/** Calls that break the contract, the field each must name, and the rule. Every one carries the marker `BAD`. */
const BAD_CALLS: Array<{ call: string; input: unknown; path: string; rule: string }> = [
  { call: 'an unknown status', input: { traceId: 'BAD-1', step: 'REVIEWED', status: 'DONE' }, path: 'status', rule: 'enum' },
  { call: 'no traceId', input: { step: 'BAD_NO_TRACE', status: 'SUCCESS' }, path: 'traceId', rule: 'required' },
  { call: 'an ISO timestamp', input: { traceId: 'BAD-2', step: 'REVIEWED', status: 'SUCCESS', timestamp: '2024-11-02T15:18:31.123Z' }, path: 'timestamp', rule: 'type' },
  { call: 'a timestamp in seconds', input: { traceId: 'BAD-3', step: 'REVIEWED', status: 'SUCCESS', timestamp: 1730561111 }, path: 'timestamp', rule: 'min' },
  { call: 'a fractional timestamp', input: { traceId: 'BAD-4', step: 'REVIEWED', status: 'SUCCESS', timestamp: 1730561111123.5 }, path: 'timestamp', rule: 'type' },
  { call: 'a traceId with a space', input: { traceId: 'BAD 5', step: 'REVIEWED', status: 'SUCCESS' }, path: 'traceId', rule: 'pattern' },
  { call: 'an unknown field', input: { traceId: 'BAD-6', step: 'REVIEWED', status: 'SUCCESS', trace_id: 'BAD-6' }, path: 'trace_id', rule: 'unknown_key' },
  { call: 'an unknown channel in meta', input: { traceId: 'BAD-7', step: 'REVIEWED', status: 'SUCCESS', meta: { channel: 'FAX' } }, path: 'meta.channel', rule: 'enum' },
  { call: 'no argument', input: undefined, path: 'traceId', rule: 'required' },
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const cleanups: Array<() => unknown> = [];
let collector: Awaited<ReturnType<typeof testCollector>>;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  collector = await testCollector();
  cleanups.push(collector.stop);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const c of cleanups.reverse()) await c();
});

/** A front that cuts every connection while `down`, else passes batches on (or answers as `answer` says). */
async function switchableFront(answer: (body: string) => FrontAnswer = () => 'proxy') {
  const state = { down: true };
  const front = await fakeFront(collector.url, ({ body }) => (state.down ? 'cut' : answer(body)));
  cleanups.push(front.stop);
  return { front, state };
}

function newWaymark(endpoint: string, extra: { strict?: boolean; onError?: (e: WaymarkError) => void } = {}) {
  const outbox = tempDir();
  cleanups.push(outbox.remove);
  const waymark = createWaymark({ endpoint, service: 'LOAN', outboxDir: outbox.dir, handleProcess: false, minBackoffMs: 50, maxBackoffMs: 200, flushIntervalMs: 100, ...extra });
  cleanups.push(() => waymark.shutdown({ timeoutMs: 500 }));
  const outboxRows = (like: string) => {
    const db = new Database(join(outbox.dir, 'outbox.db'), { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM outbox WHERE value LIKE ?').pluck().get(`%${like}%`) as number;
    } finally {
      db.close();
    }
  };
  return { waymark, outboxRows };
}

async function storedTraces(prefix: string) {
  const all = await listAll<StoredProgress>(collector.url, '/api/progress', { service: 'LOAN' });
  return all.filter((e) => e.traceId.startsWith(prefix) || e.traceId.startsWith('BAD') || e.step.startsWith('BAD')).map((e) => e.traceId).sort();
}

const settle = () => sleep(50);

describe('bad calls', () => {
  it('strict (the default outside production): each throws WaymarkValidationError naming the field and rule, and nothing of it is stored or sent', async () => {
    expect(process.env.NODE_ENV).not.toBe('production');
    const { front, state } = await switchableFront();
    const { waymark, outboxRows } = newWaymark(front.url);
    const run = `s${Date.now().toString(36)}`;

    // The collector is unreachable: every connection is cut.
    expect(waymark.trackProgress(good(`${run}-a`))).toMatch(/^[0-9a-f-]{36}$/);
    const caught: Array<{ call: string; path: string; rule: string }> = [];
    for (const bad of BAD_CALLS) {
      let thrown: unknown;
      try {
        waymark.trackProgress(bad.input as NodeProgressInput);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bad.call).toBeInstanceOf(WaymarkValidationError);
      const error = thrown as WaymarkValidationError;
      expect({ call: bad.call, path: error.path, rule: error.rule }).toEqual({ call: bad.call, path: bad.path, rule: bad.rule });
      expect(error.message.startsWith(`${bad.path}:`), error.message).toBe(true);
      caught.push({ call: bad.call, path: error.path, rule: error.rule });
    }
    expect(waymark.stats().pending).toBe(1);
    await waymark.flush(); // fails: resolves all the same
    expect(waymark.stats()).toMatchObject({ pending: 1, sent: 0 });
    expect(waymark.stats().failedAttempts).toBeGreaterThan(0);
    expect(waymark.trackProgress(good(`${run}-b`))).toBeTypeOf('string');
    await sleep(300); // timer-driven retries, failing too
    const failedWhileDown = waymark.stats().failedAttempts;

    state.down = false;
    await waymark.flush();
    expect(waymark.stats()).toMatchObject({ pending: 0, sent: 2, dropped: 0 });
    expect(outboxRows('BAD')).toBe(0);
    expect(front.requests.filter((r) => r.body.includes('BAD'))).toEqual([]);
    expect(await storedTraces(run)).toEqual([`${run}-a`, `${run}-b`]);
    await settle();
    expect(unhandled).toEqual([]);
    console.log(
      `bad calls, strict: ${caught.length} bad calls threw WaymarkValidationError (${caught.map((c) => `${c.path}/${c.rule}`).join(', ')}); ` +
        `${failedWhileDown} failed sends while unreachable, 2 good events stored, 0 bad stored or sent, ${unhandled.length} unhandled rejections`,
    );
  });

  it('lenient (strict: false): each is reported to onError naming the field, trackProgress returns undefined, and nothing of it is stored or sent', async () => {
    const { front, state } = await switchableFront();
    const reports: WaymarkError[] = [];
    const { waymark, outboxRows } = newWaymark(front.url, { strict: false, onError: (e) => reports.push(e) });
    const run = `l${Date.now().toString(36)}`;

    expect(waymark.trackProgress(good(`${run}-a`))).toBeTypeOf('string');
    for (const bad of BAD_CALLS) {
      const before = reports.length;
      expect(waymark.trackProgress(bad.input as NodeProgressInput), bad.call).toBeUndefined();
      expect(reports.length, bad.call).toBe(before + 1);
      const report = reports.at(-1)!;
      expect({ call: bad.call, code: report.code, path: report.errors?.[0]?.path, rule: report.errors?.[0]?.rule }).toEqual({ call: bad.call, code: 'rejected', path: bad.path, rule: bad.rule });
      expect(report.message.startsWith(`${bad.path}:`), report.message).toBe(true);
    }
    expect(waymark.stats()).toMatchObject({ pending: 1, dropped: 0 });
    await waymark.flush();
    await sleep(300);
    const failedWhileDown = waymark.stats().failedAttempts;
    expect(failedWhileDown).toBeGreaterThan(0);
    // Failed sends are retried, not reported: onError heard of the bad calls only.
    expect(reports).toHaveLength(BAD_CALLS.length);

    state.down = false;
    await waymark.flush();
    expect(waymark.stats()).toMatchObject({ pending: 0, sent: 1 });
    expect(outboxRows('BAD')).toBe(0);
    expect(front.requests.filter((r) => r.body.includes('BAD'))).toEqual([]);
    expect(await storedTraces(run)).toEqual([`${run}-a`]);
    await settle();
    expect(unhandled).toEqual([]);
    console.log(
      `bad calls, lenient: ${reports.length} reports to onError (${reports.map((r) => r.errors?.[0]?.path).join(', ')}), ${failedWhileDown} failed sends while unreachable, ` +
        `1 good event stored, 0 bad stored or sent, ${unhandled.length} unhandled rejections`,
    );
  });

  it('an onError that throws breaks neither trackProgress, nor delivery, nor the process', async () => {
    // The front refuses the first item the collector would be sent (400, a per-item rejection), then passes batches on.
    let refused = 0;
    const { front, state } = await switchableFront((body) => {
      if (refused++ > 0) return 'proxy';
      return { status: 400, body: JSON.stringify({ accepted: 0, duplicates: 0, rejected: [{ index: 0, errors: [{ path: 'step', rule: 'custom', message: 'refused by the test' }] }] }) };
    });
    let calls = 0;
    const { waymark } = newWaymark(front.url, {
      strict: false,
      onError: () => {
        calls++;
        throw new Error('the handler itself is broken');
      },
    });
    const run = `o${Date.now().toString(36)}`;
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));

    expect(() => waymark.trackProgress({ traceId: 'BAD-8', step: 'REVIEWED', status: 'DONE' } as never)).not.toThrow();
    const refusedId = waymark.trackProgress(good(`${run}-refused`));
    await waymark.flush(); // cut: retried later
    state.down = false;
    await expect(waymark.flush()).resolves.toBeUndefined(); // refused: dropped, reported to the throwing handler
    expect(waymark.trackProgress(good(`${run}-a`))).toBeTypeOf('string');
    await expect(waymark.flush()).resolves.toBeUndefined();
    await settle();

    expect(refusedId).toBeTypeOf('string');
    expect(calls).toBe(2);
    // What the handler threw is not lost: each became a process warning.
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual(['WAYMARK_ON_ERROR_THREW', 'WAYMARK_ON_ERROR_THREW']);
    expect(waymark.stats()).toMatchObject({ pending: 0, sent: 1, dropped: 1, droppedByCause: { rejected: 1 } });
    expect(await storedTraces(run)).toEqual([`${run}-a`]);
    expect(unhandled).toEqual([]);
    console.log(`bad calls, throwing onError: ${calls} reports to a handler that threw (${warnings.length} process warnings), 1 item rejected and counted, 1 stored, ${unhandled.length} unhandled rejections`);
  });
});
