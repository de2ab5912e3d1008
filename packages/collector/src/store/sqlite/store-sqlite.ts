import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { PatchResult, Store, StoredErrorReport, StoredSession } from '../store.js';
import { createReads } from './reads.js';
import { createAnalyticsReads } from './analytics-reads.js';
import { createDailySummaryReads } from './daily-summaries.js';
import { toIngestRow } from './rows.js';
import { createJourneyReads } from './trace-reads.js';
import { applyPragmas, migrate, WAL_AUTOCHECKPOINT_PAGES } from './schema.js';
import { createWriterClient } from './writer-client.js';
import { createAnalyticsClient } from './analytics-client.js';
import type { PatchOutcome } from './writes.js';

export interface SqliteStoreOptions {
  /** Database file; created with its schema when missing. */
  path: string;
  /** WAL pages before the writer checkpoints by itself, inside a commit. Default 50,000 (about 200 MB); the checkpoint thread has copied most of them by then. */
  walAutocheckpoint?: number;
  /** How often the checkpoint thread runs a PASSIVE checkpoint, in ms; 0 turns it off. Default 500. */
  checkpointIntervalMs?: number;
}

/**
 * The SQLite store: one writer thread doing group commits, the checkpointer on a
 * second thread, and reads on this thread's own read-only connection (WAL lets
 * them run beside the writer).
 */
export function createSqliteStore(options: SqliteStoreOptions): Store & { ready: Promise<void> } {
  const walAutocheckpoint = options.walAutocheckpoint ?? WAL_AUTOCHECKPOINT_PAGES;
  const setup = new Database(options.path);
  applyPragmas(setup, { walAutocheckpoint });
  migrate(setup);
  setup.close();

  const reader = new Database(options.path, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  reader.pragma('cache_size = -65536');
  const reads = createReads(reader);
  const journeys = createJourneyReads(reader);
  const analytics = createAnalyticsReads(reader);
  const dailySummaries = createDailySummaryReads(reader);
  const columns = createAnalyticsClient(options.path);
  const writer = createWriterClient(options.path, {
    walAutocheckpoint,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 500,
  });

  const fileSize = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };

  /** Journey states are written in batches; a read of them first has the writer write what it holds. */
  const journeysWritten = () => writer.run<number>({ op: 'flushJourneys' });

  return {
    ready: writer.ready,
    // Not async: a suspended frame would keep `items` alive until the commit (see ingestBatch).
    ingest(items) {
      if (items.length === 0) return Promise.resolve([]);
      return writer
        .run<number[]>({ op: 'ingest', rows: items.map(toIngestRow) })
        .then((changes) => changes.map((n) => (n === 1 ? 'accepted' : 'duplicate')));
    },
    async quarantine(items) {
      if (items.length > 0) await writer.run({ op: 'quarantine', items });
    },
    async createSession(session, receipt) {
      const now = receipt.receivedAt;
      const created = await writer.run<boolean>({ op: 'createSession', session, ...receipt, now });
      return { created, session: reads.session(session.sessionId) as StoredSession };
    },
    async patchSession(sessionId, patch, now): Promise<PatchResult> {
      const outcome = await writer.run<PatchOutcome>({ op: 'patchSession', sessionId, patch, now });
      if (outcome.status === 'updated') return { status: 'updated', session: reads.session(sessionId) as StoredSession };
      if (outcome.status === 'not_found') return outcome;
      return {
        status: 'conflict',
        path: 'status',
        rule: 'transition',
        message: `a ${outcome.from} session cannot become ${outcome.to}; only active sessions change status`,
      };
    },
    async getSession(sessionId) {
      return reads.session(sessionId);
    },
    async listSessions(query) {
      return reads.sessions(query);
    },
    async getRecord(kind, eventId) {
      return reads.record(kind, eventId) as never;
    },
    async listUiEvents(query) {
      return reads.uiEvents(query);
    },
    async listSessionEvents(sessionId, page) {
      return reads.sessionEvents(sessionId, page);
    },
    async listPerformance(query) {
      return reads.performance(query);
    },
    async listErrors(query) {
      return reads.errors(query);
    },
    async resolveError(id, now) {
      const found = await writer.run<boolean>({ op: 'resolveError', id, now });
      return found ? (reads.record('error', id) as StoredErrorReport) : undefined;
    },
    async listProgress(query) {
      return reads.progress(query);
    },
    async progressAfter(afterSeq, options) {
      return journeys.progressAfter(afterSeq, options);
    },
    async progressHead() {
      return journeys.progressHead();
    },
    async getTrace(traceId) {
      await journeysWritten();
      return journeys.trace(traceId);
    },
    async traceEvents(traceId) {
      return journeys.traceEvents(traceId);
    },
    async listTraces(query) {
      await journeysWritten();
      return reads.traces(query);
    },
    async staleTraces(query) {
      await journeysWritten();
      return journeys.staleTraces(query);
    },
    async idleSessions(query) {
      return journeys.idleSessions(query);
    },
    async listRejected(query) {
      return reads.rejected(query);
    },
    purgeBefore(cutoff) {
      return writer.run<number>({ op: 'purge', cutoff });
    },
    funnel(query) {
      return columns.run({ op: 'funnel', query });
    },
    async services(range) {
      return reads.services(range);
    },
    bottlenecks(query) {
      return columns.run({ op: 'bottlenecks', query });
    },
    async dailyRecords(range) {
      return analytics.dailyRecords(range);
    },
    async devicePlaces(deviceIds, before) {
      return analytics.devicePlaces(deviceIds, before);
    },
    async replaceDailySummaries(date, summaries) {
      await writer.run({ op: 'replaceDailySummaries', date, summaries });
    },
    async getDailySummary(date, deviceId) {
      return dailySummaries.get(date, deviceId);
    },
    async listDailySummaries(query) {
      return dailySummaries.list(query);
    },
    async uiSequenceCoverage(since) {
      return analytics.uiSequenceCoverage(since);
    },
    async ingestionLags(since) {
      return analytics.ingestionLags(since);
    },
    clientDrops() {
      return reads.clientDrops();
    },
    sizeBytes() {
      return fileSize(options.path) + fileSize(`${options.path}-wal`);
    },
    async close() {
      await Promise.all([writer.close(), columns.close()]);
      reader.close();
    },
  };
}
