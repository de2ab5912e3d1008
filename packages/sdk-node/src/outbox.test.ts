import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOutbox } from './outbox.js';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'waymark-outbox-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('outbox', () => {
  it('has a write on disk when setMany returns, readable by another connection', () => {
    const dir = freshDir();
    const outbox = openOutbox(dir);
    void outbox.setMany([['q:b', { n: 2 }], ['q:a', { n: 1 }], ['session', null]]);
    const other = new Database(outbox.path, { readonly: true });
    expect(other.prepare('SELECT key FROM outbox ORDER BY key').pluck().all()).toEqual(['q:a', 'q:b', 'session']);
    other.close();
    outbox.close();
  });

  it('lists entries of a prefix in key order, and keeps them across a reopen', async () => {
    const dir = freshDir();
    const first = openOutbox(dir);
    await first.setMany([['q:03', 3], ['q:01', 1], ['x:02', 'other'], ['q:02', { two: [2] }]]);
    await first.delMany(['q:03']);
    first.close();
    const again = openOutbox(dir, 'power');
    expect(await again.entries('q:')).toEqual([
      ['q:01', 1],
      ['q:02', { two: [2] }],
    ]);
    expect(await again.get('x:02')).toBe('other');
    expect(await again.get('missing')).toBeUndefined();
    again.close();
  });

  it('rejects, never throws, once closed', async () => {
    const outbox = openOutbox(freshDir());
    outbox.close();
    let threw = false;
    let rejected: unknown;
    try {
      await outbox.setMany([['q:1', 1]]).catch((e: unknown) => (rejected = e));
    } catch {
      threw = true;
    }
    expect([threw, rejected instanceof Error]).toEqual([false, true]);
  });

  it('gives the space of delivered items back: the file stays bounded by what is pending', async () => {
    const dir = freshDir();
    const outbox = openOutbox(dir);
    const body = { meta: { pad: 'x'.repeat(1_000) } };
    const keys = Array.from({ length: 5_000 }, (_, i) => `q:${String(i).padStart(6, '0')}`);
    for (let i = 0; i < keys.length; i += 100) await outbox.setMany(keys.slice(i, i + 100).map((k) => [k, body]));
    const db = new Database(outbox.path);
    const pages = () => db.pragma('page_count', { simple: true }) as number;
    const full = pages();
    for (let i = 0; i < keys.length; i += 100) await outbox.delMany(keys.slice(i, i + 100));
    db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`outbox: ${full} pages with 5,000 items of 1 KB, ${pages()} after they were delivered; file ${statSync(outbox.path).size} bytes`);
    expect(pages()).toBeLessThan(full / 5);
    expect(outbox.count()).toBe(0);
    db.close();
    outbox.close();
  });
});
