import { startCollector, type RunningCollector } from '@waymark/collector';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../dist/run.js', import.meta.url));
let dir: string;
let collector: RunningCollector;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-fleet-test-'));
  collector = await startCollector({ port: 0, db: join(dir, 'c.db'), log: false });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (path: string) => {
  let n = 0;
  let cursor: string | null = null;
  do {
    const r = (await fetch(`${collector.url}${path}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`).then((x) => x.json())) as { items: unknown[]; nextCursor: string | null };
    n += r.items.length;
    cursor = r.nextCursor;
  } while (cursor);
  return n;
};

describe('fleet simulator', () => {
  it('sends kiosk sessions and loan journeys until SIGTERM, then flushes and exits 0', async () => {
    const child = spawn(process.execPath, [RUN, '--endpoint', collector.url, '--devices', '6', '--speed', '300', '--loans-per-minute', '60', '--seed', '7'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopMs = Date.now() - t0;
    const figures = {
      sessions: await count('/api/sessions?'),
      kioskProgress: await count('/api/progress?service=PHOTO_KIOSK'),
      loanProgress: await count('/api/progress?service=LOAN'),
      uiEvents: await count('/api/events?'),
      metrics: await count('/api/performance?'),
      rejected: await count('/api/rejected?'),
    };
    console.log(`fleet: ${JSON.stringify(figures)}, stopped in ${stopMs} ms`);
    expect(figures.sessions).toBeGreaterThan(6);
    expect(figures.kioskProgress).toBeGreaterThan(20);
    expect(figures.loanProgress).toBeGreaterThan(10);
    expect(figures.uiEvents).toBeGreaterThan(50);
    expect(figures.metrics).toBeGreaterThan(5);
    expect(figures.rejected).toBe(0);
    expect(stderr).toBe('');
    expect(stopMs).toBeLessThan(5_000);
  });
});
