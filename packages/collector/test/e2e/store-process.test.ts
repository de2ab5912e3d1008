import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

const run = promisify(execFile);
const STORE = pathToFileURL(join(import.meta.dirname, '../../dist/store.js')).href;

describe('the store in a process of its own', () => {
  it('answers a funnel and bottlenecks, closes, and lets the process end by itself', async () => {
    const { dir, cleanup } = tempDir();
    const T = Date.UTC(2026, 10, 1);
    const script = `
      import { createSqliteStore } from ${JSON.stringify(STORE)};
      const store = createSqliteStore({ path: ${JSON.stringify(join(dir, 'process.db'))} });
      await store.ready;
      const step = (traceId, step, timestamp) => ({ kind: 'progress', receivedAt: ${T}, record: { eventId: traceId + step, traceId, service: 'LOAN', step, status: 'SUCCESS', timestamp } });
      await store.ingest([step('a', 'IDENTITY_VERIFIED', ${T}), step('a', 'COMPLETED', ${T + 5_000}), step('b', 'IDENTITY_VERIFIED', ${T})]);
      const funnel = await store.funnel({ service: 'LOAN', steps: ['IDENTITY_VERIFIED', 'COMPLETED'], window: 60000 });
      const bottlenecks = await store.bottlenecks({ service: 'LOAN', timeZone: 'UTC' });
      console.log(JSON.stringify({ funnel: funnel.funnel.map((s) => s.traces), traces: bottlenecks.traces }));
      await store.close();
    `;
    try {
      // Exit code 13 would mean the process ran out of work while still awaiting the store.
      const file = join(dir, 'use-store.mjs');
      writeFileSync(file, script);
      const { stdout } = await run(process.execPath, [file], { timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual({ funnel: [2, 1], traces: 2 });
    } finally {
      cleanup();
    }
  });
});
