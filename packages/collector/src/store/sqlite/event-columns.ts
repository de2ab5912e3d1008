import type Database from 'better-sqlite3';
import { hourOfDayIn } from '../../domain/time-zone.js';
import { withRoom } from '../../domain/typed-arrays.js';
import { STATUSES } from '@waymark/protocol';

/** Rows read from the database per step of a catch-up, by default. */
const CHUNK_ROWS = 50_000;
/** Time zones whose hours of day are kept per event. */
const MAX_TIME_ZONES = 4;
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


/** `column` rearranged: entry i moves to `to[i]` (left out when -1). */
function permuted<C extends Column>(column: C, to: Int32Array, size: number): C {
  const out = new (column.constructor as new (n: number) => C)(column.length);
  for (let i = 0; i < size; i++) if (to[i]! >= 0) out[to[i]!] = column[i]!;
  return out;
}

/** A `meta` value as a breakdown groups it: text as is, other JSON values as JSON text, null when absent. */
export function metaText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const metaValue = (meta: Record<string, unknown> | undefined, key: string) => (meta && Object.hasOwn(meta, key) ? meta[key] : undefined);

/** Status codes as `BottleneckTally` takes them: the index in STATUSES. */
const STATUS_CODES = new Map<string, number>(STATUSES.map((s, i) => [s, i]));

/**
 * The stored progress events, held in memory column by column for the funnel and
 * bottleneck queries: one typed array per field, text fields as codes into a
 * dictionary, and each journey's events linked in arrival order, with the span of
 * their timestamps. A query walks the journeys whose span meets its range and reads
 * only the columns it needs, instead of reading millions of rows into objects.
 *
 * Events are appended in arrival order and, from time to time, rearranged so that each
 * journey's events lie side by side (`compact`): a query then reads memory in order
 * rather than jumping across gigabytes for every event.
 *
 * It follows the table by `seq`: rows are committed in `seq` order, so reading those
 * past the last one held (`catchUp`) never misses one. A retention purge deletes the
 * oldest rows; events older than the first stored `seq` are skipped, and dropped at
 * the next compaction. About 57 bytes per event outside the JavaScript heap, plus the
 * dictionaries.
 */
export class EventColumns {
  /** Events held. */
  size = 0;
  /** The greatest `seq` read. */
  lastSeq = 0;
  /** The first `seq` still stored: events before it were purged. */
  firstSeq = 0;
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
  private meta = new Map<string, Int32Array>();
  /** Per time zone asked about (the few latest): each event's hour of day there. */
  private hours = new Map<string, { hourOf: (ms: number) => number; column: Uint8Array }>();
  /** The index of each event held, in arrival (`seq`) order. */
  private arrival = new Int32Array(1024);

  /** Journeys: first and last event (-1 for none left), and the span of their timestamps. */
  traces = 0;
  traceFirst = new Int32Array(1024);
  traceLast = new Int32Array(1024);
  traceMin = new Float64Array(1024);
  traceMax = new Float64Array(1024);
  /** Per journey, a bit per service it has events of (see `serviceBit`): queries skip the journeys of other services. */
  traceServices = new Int32Array(1024);
  /** Each service's bit, by service code: the first 31 services one each, the rest share the last. */
  private serviceBits = new Map<number, number>();
  private traceIds = new Dictionary();
  /** Services, steps, reasons, subtypes and meta values. */
  text = new Dictionary();
  /** Events before this index lie journey by journey. */
  private compacted = 0;

  private readonly rowsAfter: Database.Statement;
  private readonly bounds: Database.Statement;
  private readonly metaRows: Database.Statement;

  private readonly chunkRows: number;

  /**
   * `chunkRows`: rows read per step of a catch-up; events appended since the last
   * compaction beyond it (and an eighth of all) start one. `metaKeys`: breakdown keys
   * kept from the start (default `channel`, seed 000's breakdown), rather than read
   * from every stored row when first asked for.
   */
  constructor(db: Database.Database, options: { chunkRows?: number; metaKeys?: readonly string[] } = {}) {
    const chunk = (this.chunkRows = options.chunkRows ?? CHUNK_ROWS);
    for (const key of options.metaKeys ?? ['channel']) this.meta.set(key, new Int32Array(1024));
    this.rowsAfter = db
      .prepare(
        `SELECT seq, trace_id, service, step, status, reason, timestamp, meta FROM progress_events
         WHERE seq > ? ORDER BY seq LIMIT ${chunk}`,
      )
      .raw();
    // Two subqueries: SQLite reads one end of the rowid for a lone MIN or MAX, but scans the table for both in one.
    this.bounds = db.prepare('SELECT (SELECT MIN(seq) FROM progress_events) AS first, (SELECT MAX(seq) FROM progress_events) AS last');
    this.metaRows = db.prepare(`SELECT seq, meta FROM progress_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${chunk}`).raw();
  }

  /**
   * Reads one chunk of rows stored since the last call; false once none is left. Called
   * in a loop, with a yield between calls where requests must be served meanwhile.
   */
  catchUpStep(): boolean {
    const rows = this.rowsAfter.all(this.lastSeq) as unknown[][];
    if (rows.length === 0) {
      this.settle();
      return false;
    }
    const size = this.size + rows.length;
    this.seq = withRoom(this.seq, size);
    this.timestamp = withRoom(this.timestamp, size);
    this.trace = withRoom(this.trace, size);
    this.next = withRoom(this.next, size);
    this.service = withRoom(this.service, size);
    this.step = withRoom(this.step, size);
    this.status = withRoom(this.status, size);
    this.reason = withRoom(this.reason, size);
    this.subType = withRoom(this.subType, size);
    this.lastStep = withRoom(this.lastStep, size);
    this.arrival = withRoom(this.arrival, size);
    for (const [key, column] of this.meta) this.meta.set(key, withRoom(column, size));
    for (const h of this.hours.values()) h.column = withRoom(h.column, size);
    const metaKeys = [...this.meta];
    const hours = [...this.hours.values()];
    for (const row of rows) {
      const i = this.size++;
      this.arrival[i] = i;
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
      const subType = metaValue(meta, 'subType');
      const lastStep = metaValue(meta, 'lastStep');
      this.seq[i] = seq;
      this.lastSeq = seq;
      this.timestamp[i] = timestamp;
      this.service[i] = this.text.add(service);
      this.step[i] = this.text.add(step);
      this.status[i] = STATUS_CODES.get(status) ?? 0;
      this.reason[i] = this.text.add(reason);
      this.subType[i] = typeof subType === 'string' ? this.text.add(subType) : NONE;
      this.lastStep[i] = typeof lastStep === 'string' ? this.text.add(lastStep) : NONE;
      for (const [key, column] of metaKeys) column[i] = this.text.add(metaText(metaValue(meta, key)));
      for (const h of hours) h.column[i] = h.hourOf(timestamp);
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
      this.traceFirst = withRoom(this.traceFirst, this.traces);
      this.traceLast = withRoom(this.traceLast, this.traces);
      this.traceMin = withRoom(this.traceMin, this.traces);
      this.traceMax = withRoom(this.traceMax, this.traces);
      this.traceServices = withRoom(this.traceServices, this.traces);
      this.traceLast[t] = -1;
    }
    if (this.traceLast[t] === -1) {
      this.traceServices[t] = 0;
      this.traceFirst[t] = i;
      this.traceMin[t] = timestamp;
      this.traceMax[t] = timestamp;
    } else {
      this.next[this.traceLast[t]!] = i;
      if (timestamp < this.traceMin[t]!) this.traceMin[t] = timestamp;
      if (timestamp > this.traceMax[t]!) this.traceMax[t] = timestamp;
    }
    this.traceServices[t]! |= this.serviceBit(this.service[i]!);
    this.traceLast[t] = i;
  }

  /** The bit of a service in `traceServices`. */
  serviceBit(code: number): number {
    let bit = this.serviceBits.get(code);
    if (bit === undefined) this.serviceBits.set(code, (bit = 1 << Math.min(this.serviceBits.size, 31)));
    return bit;
  }

  /** After a catch-up: notes purged rows, starts over if the table was emptied and refilled, compacts when due. */
  private settle(): void {
    const { first, last } = this.bounds.get() as { first: number | null; last: number | null };
    if (last !== null && last < this.lastSeq) {
      // Every row past a point was deleted and numbering went back: read them all again.
      this.reset();
      this.catchUp();
      return;
    }
    this.firstSeq = first ?? this.lastSeq + 1;
    if (this.size - this.compacted > Math.max(this.chunkRows, this.size / 8)) this.compact();
  }

  private reset(): void {
    this.size = this.traces = this.compacted = this.lastSeq = this.firstSeq = 0;
    this.traceIds = new Dictionary();
    this.text = new Dictionary();
    this.serviceBits.clear();
    this.meta = new Map([...this.meta.keys()].map((key) => [key, new Int32Array(1024)]));
    this.hours.clear();
  }

  /**
   * Lays every journey's events side by side, in arrival order within each, leaving out
   * purged events and the journeys left with none (a counting sort by journey).
   */
  private compact(): void {
    const n = this.size;
    const oldTraces = this.traces;
    const kept = new Int32Array(oldTraces);
    for (let i = 0; i < n; i++) if (this.seq[i]! >= this.firstSeq) kept[this.trace[i]!]!++;
    // New journey codes, in the old order, for the journeys with events left.
    const renumber = new Int32Array(oldTraces).fill(-1);
    const ids = new Dictionary();
    const offset: number[] = [0];
    for (let t = 0; t < oldTraces; t++) {
      if (kept[t] === 0) continue;
      renumber[t] = ids.add(this.traceIds.names[t]!);
      offset.push(offset[offset.length - 1]! + kept[t]!);
    }
    const traces = ids.names.length;
    const cursor = Int32Array.from(offset.slice(0, traces));
    // Index order is arrival order within each journey, so a stable placement keeps it.
    const to = new Int32Array(n);
    for (let i = 0; i < n; i++) to[i] = this.seq[i]! >= this.firstSeq ? cursor[renumber[this.trace[i]!]!]!++ : -1;
    const size = offset[traces]!;
    this.seq = permuted(this.seq, to, n);
    this.timestamp = permuted(this.timestamp, to, n);
    this.service = permuted(this.service, to, n);
    this.step = permuted(this.step, to, n);
    this.status = permuted(this.status, to, n);
    this.reason = permuted(this.reason, to, n);
    this.subType = permuted(this.subType, to, n);
    this.lastStep = permuted(this.lastStep, to, n);
    for (const [key, column] of this.meta) this.meta.set(key, permuted(column, to, n));
    for (const h of this.hours.values()) h.column = permuted(h.column, to, n);
    let k = 0;
    for (let a = 0; a < n; a++) {
      const moved = to[this.arrival[a]!]!;
      if (moved >= 0) this.arrival[k++] = moved;
    }
    this.traceFirst = new Int32Array(Math.max(1024, traces));
    this.traceLast = new Int32Array(Math.max(1024, traces));
    this.traceMin = new Float64Array(Math.max(1024, traces));
    this.traceMax = new Float64Array(Math.max(1024, traces));
    this.traceServices = new Int32Array(Math.max(1024, traces));
    for (let t = 0; t < traces; t++) {
      const first = offset[t]!;
      const last = offset[t + 1]! - 1;
      this.traceFirst[t] = first;
      this.traceLast[t] = last;
      let min = Infinity;
      let max = -Infinity;
      let services = 0;
      for (let i = first; i <= last; i++) {
        this.trace[i] = t;
        this.next[i] = i < last ? i + 1 : -1;
        const ts = this.timestamp[i]!;
        if (ts < min) min = ts;
        if (ts > max) max = ts;
        services |= this.serviceBit(this.service[i]!);
      }
      this.traceMin[t] = min;
      this.traceMax[t] = max;
      this.traceServices[t] = services;
    }
    this.traces = traces;
    this.traceIds = ids;
    this.size = size;
    this.compacted = size;
  }

  /** Each event's hour of day in `timeZone`, kept up to date for the last few zones asked about. */
  hoursIn(timeZone: string): Uint8Array {
    let h = this.hours.get(timeZone);
    if (!h) {
      const hourOf = hourOfDayIn(timeZone);
      const column = new Uint8Array(this.seq.length);
      for (let i = 0; i < this.size; i++) column[i] = hourOf(this.timestamp[i]!);
      h = { hourOf, column };
      if (this.hours.size >= MAX_TIME_ZONES) this.hours.delete(this.hours.keys().next().value!);
    }
    // Re-inserted: the map's order is that of the last use.
    this.hours.delete(timeZone);
    this.hours.set(timeZone, h);
    return h.column;
  }

  /**
   * The codes of `meta.<key>` per event. A key asked for the first time is read from
   * every stored row once; from then on, each caught-up row fills it.
   */
  metaColumn(key: string): Int32Array {
    let column = this.meta.get(key);
    if (column) return column;
    column = new Int32Array(this.seq.length).fill(NONE);
    // Rows come in seq order, as `arrival` lists the events held; a row purged since is not held.
    let k = 0;
    let after = this.firstSeq - 1;
    for (;;) {
      const rows = this.metaRows.all(after, this.lastSeq) as Array<[number, string | null]>;
      if (rows.length === 0) break;
      for (const [seq, metaJson] of rows) {
        after = seq;
        while (k < this.size && this.seq[this.arrival[k]!]! < seq) k++;
        const i = this.arrival[k];
        if (k === this.size || this.seq[i!] !== seq || metaJson === null) continue;
        column[i!] = this.text.add(metaText(metaValue(JSON.parse(metaJson) as Record<string, unknown>, key)));
      }
    }
    this.meta.set(key, column);
    return column;
  }
}
