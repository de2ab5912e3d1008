import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journeyOf } from '../src/domain/journey-state.js';
import { applyPragmas, migrate } from '../src/store/sqlite/schema.js';
import type { IngestRow } from '../src/store/sqlite/rows.js';
import { journeyEventFromRow, traceFromRow } from '../src/store/sqlite/trace-rows.js';
import { createWrites, type WriteJob } from '../src/store/sqlite/writes.js';
import { seededRandom, tempDir } from './helpers.js';

/**
 * The writer's journey bookkeeping driven the way the writer thread drives it: groups of
 * jobs in one transaction, some rolled back, journey flushes in between and inside
 * groups. Whatever happens, the `traces` table must end up equal to the journeys
 * computed from scratch from the events that were committed.
 */

const T0 = Date.UTC(2026, 10, 1, 9);
const STEPS = ['LANDING_VIEWED', 'IDENTITY_VERIFIED', 'DATA_COLLECTED', 'FORM_SUBMITTED', 'REVIEWED', 'COMPLETED'];


let counter = 0;
/** INSERT parameters of a progress event (see INSERT_SQL.progress); a null traceId breaks the NOT NULL rule. */
const progress = (traceId: string | null, step: string, timestamp: number): IngestRow => ({
  kind: 'progress',
  params: [`e-${++counter}`, traceId, 'loan-service', step, 'SUCCESS', null, null, timestamp, null, T0, null],
});

describe('journey states in the writer', () => {
  let db: Database.Database;
  let run: ReturnType<typeof createWrites>;
  let cleanup: () => void;

  beforeEach(() => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    db = new Database(join(temp.dir, 'journeys.db'));
    applyPragmas(db, { walAutocheckpoint: 1_000 });
    migrate(db);
    run = createWrites(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  /** One group commit as the writer runs it; `rollBack` ends it with a ROLLBACK instead. */
  function group(jobs: WriteJob[], rollBack = false): boolean {
    db.exec('BEGIN IMMEDIATE');
    run.beginGroup();
    try {
      for (const job of jobs) run(job);
      if (rollBack) throw new Error('rolled back');
      db.exec('COMMIT');
    } catch {
      db.exec('ROLLBACK');
      run.endGroup(false);
      return false;
    }
    run.endGroup(true);
    run.foldJourneys();
    return true;
  }

  const stored = () =>
    Object.fromEntries((db.prepare('SELECT * FROM traces ORDER BY trace_id').all() as Array<Record<string, unknown>>).map((r) => [r.trace_id, traceFromRow(r)]));
  const fromScratch = () => {
    const ids = db.prepare('SELECT DISTINCT trace_id FROM progress_events ORDER BY trace_id').pluck().all() as string[];
    const events = db.prepare('SELECT * FROM progress_events WHERE trace_id = ?');
    return Object.fromEntries(
      ids.map((id) => {
        const { lastSeq: _seq, ...state } = journeyOf((events.all(id) as Array<Record<string, unknown>>).map(journeyEventFromRow))!;
        return [id, { traceId: id, ...state }];
      }),
    );
  };

  it('leaves no trace of a rolled-back group, even one that flushed a recomputed journey holding its events', () => {
    group([{ op: 'ingest', rows: [progress('a', 'LANDING_VIEWED', T0), progress('a', 'DATA_COLLECTED', T0 + 5_000)] }]);
    // Inside the next group: an event older than the journey's latest (a recompute), a
    // flush that recomputes it from what the transaction sees, then the rollback.
    const committed = group(
      [
        { op: 'ingest', rows: [progress('a', 'IDENTITY_VERIFIED', T0 + 2_000)] },
        { op: 'ingest', rows: [progress('a', 'FORM_SUBMITTED', T0 + 9_000)] },
        { op: 'flushJourneys' },
        { op: 'ingest', rows: [progress('b', 'LANDING_VIEWED', T0)] },
      ],
      true,
    );
    expect(committed).toBe(false);
    group([{ op: 'ingest', rows: [progress('a', 'REVIEWED', T0 + 12_000)] }, { op: 'flushJourneys' }]);

    expect(Object.keys(stored())).toEqual(['a']);
    expect(stored().a).toMatchObject({ step: 'REVIEWED', eventCount: 3, dwellMs: { LANDING_VIEWED: 5_000, DATA_COLLECTED: 7_000 } });
    expect(stored()).toEqual(fromScratch());
  });

  it('matches journeys computed from scratch after random groups, failures, rollbacks and flushes', () => {
    const rnd = seededRandom(20261202);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
    const traces = Array.from({ length: 40 }, (_, i) => `t-${i}`);
    let failed = 0;
    let rolledBack = 0;
    for (let g = 0; g < 300; g++) {
      const jobs: WriteJob[] = [];
      for (let j = 1 + Math.floor(rnd() * 4); j > 0; j--) {
        const roll = rnd();
        if (roll < 0.1) jobs.push({ op: 'flushJourneys' });
        else {
          // Mostly in order, sometimes late (an older timestamp), sometimes a replay.
          const rows = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () =>
            progress(pick(traces), pick(STEPS), T0 + g * 1_000 - (rnd() < 0.15 ? Math.floor(rnd() * 30_000) : 0)),
          );
          if (roll < 0.18) rows.push(progress(null, 'BROKEN', T0));
          jobs.push({ op: 'ingest', rows });
        }
      }
      const rollBack = rnd() < 0.08;
      const broken = jobs.some((j) => j.op === 'ingest' && j.rows.some((r) => r.params[1] === null));
      if (broken) failed++;
      else if (rollBack) rolledBack++;
      group(jobs, rollBack);
      if (rnd() < 0.05) {
        db.exec('BEGIN IMMEDIATE');
        run.beginGroup();
        run.flushJourneys();
        db.exec('COMMIT');
        run.endGroup(true);
      }
    }
    group([{ op: 'flushJourneys' }]);

    expect(failed).toBeGreaterThan(10);
    expect(rolledBack).toBeGreaterThan(10);
    expect(Object.keys(stored()).length).toBeGreaterThan(30);
    expect(stored()).toEqual(fromScratch());
  });
});
