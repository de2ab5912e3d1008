import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector, type RunningCollector } from '@waymark/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'];

/** Starts `node serve.mjs` and resolves with the URL it prints once listening. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'serve.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (url) resolve({ child, url });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
}

describe('the kiosk server', () => {
  let dir: string;
  let collector: RunningCollector;
  let kiosk: { child: ChildProcess; url: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-kiosk-'));
    collector = await startCollector({ port: 0, db: join(dir, 'collector.db'), log: false });
    kiosk = await serve({ PORT: '0', WAYMARK_ENDPOINT: collector.url });
  });

  afterAll(async () => {
    if (kiosk?.child.exitCode === null) {
      const exited = new Promise((resolve) => kiosk.child.once('exit', resolve));
      kiosk.child.kill('SIGTERM');
      await exited;
    }
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page on every route, so a reload mid-journey finds it', async () => {
    for (const path of ['/', '/attract', '/payment']) {
      const res = await fetch(kiosk.url + path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.text()).toContain('<script type="module" src="/app.js">');
    }
    expect((await fetch(kiosk.url + '/missing.png')).status).toBe(404);
  });

  it('bundles the app with the SDK, the funnel and the collector URL, and without zod', async () => {
    const res = await fetch(kiosk.url + '/app.js');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const js = await res.text();
    for (const stage of STAGES) expect(js).toContain(`"${stage}"`);
    expect(js).toContain(JSON.stringify(collector.url));
    expect(js).toContain('PHOTO_KIOSK');
    expect(js).toContain('data-waymark-cancel');
    expect(js).not.toContain('zod');
    expect((await fetch(kiosk.url + '/app.js.map')).status).toBe(200);
  });
});
