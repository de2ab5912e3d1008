/** Reads a collector's records back through its list routes, page by page. */

export interface StoredProgress {
  eventId: string;
  traceId: string;
  service: string;
  step: string;
  status: string;
  reason?: string | null;
  meta?: Record<string, unknown>;
  timestamp: number;
}

export interface StoredError {
  eventId: string;
  severity: string;
  category: string;
  errorType?: string;
  message: string;
  stack?: string;
  breadcrumbs?: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
  deviceSnapshot?: Record<string, unknown>;
}

/** Every record of a list route (`/api/progress`, `/api/errors`…), following `nextCursor` 1,000 at a time. */
export async function listAll<T>(url: string, route: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${url}${route}?${params}`);
    if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Ids that occur more than once. */
export function repeated(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}
