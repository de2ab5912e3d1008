/**
 * Calendar days and wall-clock hours in an IANA time zone, with nothing but
 * `Intl.DateTimeFormat`. A day in a zone is the span from its first instant to the
 * first instant of the next day; with daylight saving time it can be 23 or 25 hours.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical name (`asia/seoul` → `Asia/Seoul`). */
export function canonicalTimeZone(timeZone: string): string {
  return formatter(timeZone).resolvedOptions().timeZone;
}

/** The wall clock in `timeZone` at an instant, as the epoch-ms of the same wall clock in UTC (seconds precision). */
function wallMs(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The zone's offset from UTC at an instant, in ms (Asia/Seoul: +9 h). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return wallMs(whole, timeZone) - whole;
}

const isoDate = (wall: number) => new Date(wall).toISOString().slice(0, 10);

/** The calendar day (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function dateIn(ms: number, timeZone: string): string {
  return isoDate(ms + offsetAt(ms, timeZone));
}

/** `YYYY-MM-DD` plus `days` (negative goes back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return isoDate(Date.UTC(y, m - 1, d + days));
}

/**
 * The instant at which the wall clock of `timeZone` reads `minutes` past midnight
 * on `date`, resolved as Temporal's `compatible` disambiguation does: a time that
 * occurs twice (the clock going back) is its earlier occurrence, and a time that
 * does not occur (the clock jumping forward) is moved later by the jump.
 */
export function instantAt(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  // The offsets a day either side: at most one transition lies between them.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const fits = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t).sort((a, b) => a - b);
  return fits[0] ?? wall - before;
}

/** The instants a calendar day of `timeZone` spans: [from, to). */
export function dayRange(date: string, timeZone: string): { from: number; to: number } {
  return { from: instantAt(date, 0, timeZone), to: instantAt(addDays(date, 1), 0, timeZone) };
}

/**
 * A function giving the hour of day (0–23) of instants in `timeZone`, for many
 * instants at a time. Offsets are looked up once per quarter hour of time and
 * reused: every offset change since 2000 lies more than 15 minutes from the next,
 * so when a quarter hour starts and ends with the same offset, it holds throughout.
 */
export function hourOfDayIn(timeZone: string): (ms: number) => number {
  const QUARTER = 15 * MINUTE;
  const memo = new Map<number, number>();
  const offsetOfQuarter = (q: number) => {
    let o = memo.get(q);
    if (o === undefined) {
      o = offsetAt(q * QUARTER, timeZone);
      memo.set(q, o);
    }
    return o;
  };
  // The last quarter asked about, and its offset when it is the same at both ends:
  // the events of a journey mostly fall in the same quarter hour.
  let lastQuarter = NaN;
  let lastOffset: number | undefined;
  return (ms) => {
    const q = Math.floor(ms / QUARTER);
    if (q !== lastQuarter) {
      const start = offsetOfQuarter(q);
      lastQuarter = q;
      lastOffset = start === offsetOfQuarter(q + 1) ? start : undefined;
    }
    const offset = lastOffset ?? offsetAt(ms, timeZone);
    return Math.floor((((ms + offset) % DAY) + DAY) % DAY / HOUR);
  };
}
