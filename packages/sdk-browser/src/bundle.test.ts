/// <reference types="node" />
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'dist', 'waymark.min.js');
let code = '';
beforeAll(() => {
  if (!existsSync(file)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  code = readFileSync(file, 'utf8');
}, 60_000);

describe('script-tag build', () => {
  it('carries no validator', () => {
    expect(code).not.toMatch(/zod/i);
    expect(code).not.toContain('@waymark/protocol');
  });

  it('is one minified script without a source map reference (its size is measured by bench/sdk-size)', () => {
    expect(code.split('\n').filter(Boolean)).toHaveLength(1);
    expect(code).not.toContain('sourceMappingURL');
  });

  it('runs as a script: defines window.waymark, replays the queue and sends', async () => {
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const n = (JSON.parse(String(init.body)) as { items: unknown[] }).items.length;
      return new Response(JSON.stringify({ accepted: n, duplicates: 0, rejected: [] }));
    });
    vi.stubGlobal('fetch', fetch);
    const w = window as unknown as { waymark: any };
    w.waymark = function () {
      (w.waymark.q = w.waymark.q || []).push(arguments);
    };
    w.waymark('init', { endpoint: 'https://c.example', service: 'SHOP', autocapture: false });
    w.waymark('track', 'from the built file');
    new Function(code)();
    await w.waymark('flush');
    const items = fetch.mock.calls.flatMap(([, init]) => JSON.parse(String(init.body)).items);
    expect(items.map((i: { kind: string; name?: string }) => i.name ?? i.kind)).toEqual(['session', 'from the built file']);
    expect(JSON.parse(String(fetch.mock.calls[0]![1].body)).sdk).toEqual({ name: '@waymark/browser', version: expect.any(String) });
    await w.waymark('shutdown');
    vi.unstubAllGlobals();
  });
});
