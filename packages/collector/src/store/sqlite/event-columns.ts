import type Database from 'better-sqlite3';
import { STATUSES } from '@waymark/protocol';
import type { Status } from '@waymark/protocol/types';

/** Rows read from the database per step of a catch-up. */
const CHUNK = 50_000;
/** Code of an absent or null text value. */
export const NONE = -1;

/** Text values and their codes, both ways. */
class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly names: string[] = [];

  /** The code of `name`, assigned on first sight. */
  add(name: string | null | undefined): number {
    if (name === null || name === undefined) return NONE;
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.codes.set(name, code);
      this.names.push(name);
    }
    return code;
  }

  /** The code of `name`, or undefined when no event has it. */
  find(name: string): number | undefined {
    return this.codes.get(name);
  }

  name(code: number): string | null {
    return code === NONE ? null : this.names[code]!;
  }
}

type Column = Int32Array | Float64Array | Uint8Array;

/** `column` with room for `size` entries, copied into a larger one when full. */
function room<C extends Column>(column: C, size: number): C {
  if (size <= column.length) return column;
  const larger = new (column.constructor as new (n: number) => C)(Math.max(size, column.length * 2));
  larger.set(column);
  return larger;
}

/** A `meta` value as a breakdown groups it: text as is, other JSON values as JSON text, null when absent. */
export function metaText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const STATUS_CODES = new Map<string, number>(STATUSES.map((s, i) => [s, i]));

/**
 * The stored progress events, held in memory column by column for the funnel and
 * bottleneck queries: one typed array per field, text fields as codes into a
 * dictionary, and each journey's events linked in arrival order. A query walks the
 * journeys whose time span meets its range and reads only the columns it needs,
 * instead of reading millions of rows into objects.
 *
 * It follows the table by `seq`: rows are committed in `seq` order, so reading those
 * past the last one held (`catchUp`) never misses one. A retention purge deletes the
 * oldest rows; the events before the first stored `seq` are then skipped (`start`).
 * About 60 bytes per event, outside the JavaScript heap but for the dictionaries.
 */
export class EventColumns {
  /** Events held; indexes run in arrival (`seq`) order. */
  size = 0;
  /** Index of the first event still stored: those before it were purged. */
  start = 0;
  seq = new Float64Array(1024);
  timestamp = new Float64Array(1024);
  trace = new Int32Array(1024);
  /** The journey's next event in arrival order, -1 for its last. */
  next = new Int32Array(1024);
  service = new Int32Array(1024);
  step = new Int32Array(1024);
  status = new Uint8Array(1024);
  reason = new Int32Array(1024);
  subType = new Int32Array(1024);
  lastStep = new Int32Array(1024);
  /** `meta.<key>` columns asked for by breakdowns, filled on first use. */
  private readonly meta = new Map<string, Int32Array>();

  /** Journeys: first and last event, and the span of their timestamps. */
  traces = 0;
  traceFirst = new Int32Array(1024);
  traceLast = new Int32Array(1024);
  traceMin = new Float64Array(1024);
  traceMax = new Float64Array(1024);
  private readonly traceIds = new Dictionary();
  /** Services, steps, reasons, subtypes and meta values. */
  readonly text = new Dictionary();

  private readonly rowsAfter: Database.Statement;
  private readonly firstSeq: Database.Statement;
  private readonly metaAfter: Database.Statement;

  constructor(db: Database.Database) {
    this.rowsAfter = db
      .prepare(
        `SELECT seq, trace_id, service, step, status, reason, timestamp, meta FROM progress_events
         WHERE seq > ? ORDER BY seq LIMIT ${CHUNK}`,
      )
      .raw();
    this.firstSeq = db.prepare('SELECT MIN(seq) FROM progress_events').pluck();
    this.metaAfter = db.prepare(`SELECT seq, meta FROM progress_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${CHUNK}`).raw();
  }

  get lastSeq(): number {
    return this.size ? this.seq[this.size - 1]! : 0;
  }

  /** Status of an event. */
  statusOf(i: number): Status {
    return STATUSES[this.status[i]!]!;
  }

  /**
   * Reads one chunk of rows stored since the last call; false once none is left. Called
   * in a loop, with a yield between calls where requests must be served meanwhile.
   */
  catchUpStep(): boolean {
    const rows = this.rowsAfter.all(this.lastSeq) as unknown[][];
    if (rows.length === 0) {
      this.dropPurged();
      return false;
    }
    const size = this.size + rows.length;
    this.seq = room(this.seq, size);
    this.timestamp = room(this.timestamp, size);
    this.trace = room(this.trace, size);
    this.next = room(this.next, size);
    this.service = room(this.service, size);
    this.step = room(this.step, size);
    this.status = room(this.status, size);
    this.reason = room(this.reason, size);
    this.subType = room(this.subType, size);
    this.lastStep = room(this.lastStep, size);
    for (const [key, column] of this.meta) this.meta.set(key, room(column, size));
    const metaKeys = [...this.meta];
    for (const row of rows) {
      const i = this.size++;
      const [seq, traceId, service, step, status, reason, timestamp, metaJson] = row as [
        number,
        string,
        string,
        string,
        string,
        string | null,
        number,
        string | null,
      ];
      const meta = metaJson === null ? undefined : (JSON.parse(metaJson) as Record<string, unknown>);
      this.seq[i] = seq;
      this.timestamp[i] = timestamp;
      this.service[i] = this.text.add(service);
      this.step[i] = this.text.add(step);
      this.status[i] = STATUS_CODES.get(status) ?? 0;
      this.reason[i] = this.text.add(reason);
      this.subType[i] = typeof meta?.subType === 'string' ? this.text.add(meta.subType) : NONE;
      this.lastStep[i] = typeof meta?.lastStep === 'string' ? this.text.add(meta.lastStep) : NONE;
      for (const [key, column] of metaKeys) column[i] = this.text.add(metaText(meta && Object.hasOwn(meta, key) ? meta[key] : undefined));
      this.link(i, traceId, timestamp);
    }
    return true;
  }

  /** Reads every row stored since the last call. */
  catchUp(): void {
    while (this.catchUpStep());
  }

  private link(i: number, traceId: string, timestamp: number): void {
    const t = this.traceIds.add(traceId);
    this.next[i] = -1;
    this.trace[i] = t;
    if (t === this.traces) {
      this.traces++;
      this.traceFirst = room(this.traceFirst, this.traces);
      this.traceLast = room(this.traceLast, this.traces);
      this.traceMin = room(this.traceMin, this.traces);
      this.traceMax = room(this.traceMax, this.traces);
      this.traceFirst[t] = i;
      this.traceMin[t] = timestamp;
      this.traceMax[t] = timestamp;
    } else {
      this.next[this.traceLast[t]!] = i;
      if (timestamp < this.traceMin[t]!) this.traceMin[t] = timestamp;
      if (timestamp > this.traceMax[t]!) this.traceMax[t] = timestamp;
    }
    this.traceLast[t] = i;
  }

  /** Moves `start` past the events whose rows a retention purge deleted. */
  private dropPurged(): void {
    const first = (this.firstSeq.get() as number | null) ?? Infinity;
    while (this.start < this.size && this.seq[this.start]! < first) this.start++;
  }

  /**
   * The codes of `meta.<key>` per event. A key asked for the first time is read from
   * every stored row once; from then on, each caught-up row fills it.
   */
  metaColumn(key: string): Int32Array {
    let column = this.meta.get(key);
    if (column) return column;
    column = new Int32Array(this.seq.length).fill(NONE);
    let i = this.start;
    let after = this.start < this.size ? this.seq[this.start]! - 1 : this.lastSeq;
    for (;;) {
      const rows = this.metaAfter.all(after, this.lastSeq) as Array<[number, string | null]>;
      if (rows.length === 0) break;
      for (const [seq, metaJson] of rows) {
        while (i < this.size && this.seq[i]! < seq) i++;
        if (this.seq[i] === seq && metaJson !== null) {
          const meta = JSON.parse(metaJson) as Record<string, unknown>;
          column[i] = this.text.add(metaText(Object.hasOwn(meta, key) ? meta[key] : undefined));
        }
        after = seq;
      }
    }
    this.meta.set(key, column);
    return column;
  }
}
