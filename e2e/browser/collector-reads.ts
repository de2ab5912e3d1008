/**
 * Reading back what the collector stored, through its HTTP API (reads are open to
 * loopback clients when no admin key is set).
 */

/** The fields of a stored UI event these tests look at. */
export interface StoredUiEvent {
  eventId: string;
  sessionId: string;
  sequenceNo: number;
  deviceId: string;
  eventType: string;
  timestamp: number;
  screenId?: string;
  name?: string;
  target?: string;
  scrollDepth?: number;
}

export interface StoredProgressEvent {
  eventId: string;
  traceId: string;
  service: string;
  step: string;
  status: string;
  timestamp: number;
}

export interface StoredSession {
  sessionId: string;
  deviceId: string;
  status: string;
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every item of a list route, following `nextCursor` page by page. */
export async function readAll<T>(base: string, path: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  do {
    const params = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    const page = await getJson<{ items: T[]; nextCursor?: string | null }>(base, `${path}?${params}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A device's UI events, oldest sequence first within each session. */
export async function uiEventsOf(base: string, deviceId: string): Promise<StoredUiEvent[]> {
  const events = await readAll<StoredUiEvent>(base, '/api/events', { deviceId });
  return events.sort((a, b) => a.sessionId.localeCompare(b.sessionId) || a.sequenceNo - b.sequenceNo);
}

/** A session's UI events, as the session route orders them (by sequenceNo). */
export const sessionEvents = (base: string, sessionId: string) =>
  readAll<StoredUiEvent>(base, `/api/events/session/${encodeURIComponent(sessionId)}`);

export const progressOf = (base: string, traceId: string) => readAll<StoredProgressEvent>(base, '/api/progress', { traceId });

export const sessionsOf = (base: string, deviceId: string) => readAll<StoredSession>(base, '/api/sessions', { deviceId });

/** Everything the collector quarantined because it broke the contract. */
export const rejectedItems = (base: string) => readAll<{ kind: string; errors: unknown }>(base, '/api/rejected');

/** `waymark_items_total{kind, outcome}` from `/metrics`. */
export async function itemCount(base: string, kind: string, outcome: 'accepted' | 'duplicate' | 'rejected'): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('waymark_items_total{') && l.includes(`kind="${kind}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Reads until `done(value)` holds or `timeoutMs` passes, and returns the last value
 * read either way, so the test's assertion shows what the collector had.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
