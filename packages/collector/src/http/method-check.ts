import type { Hono } from 'hono';

/**
 * Finds the methods a path is served with, from the app's own route table, so an
 * unrouted request can be told apart: 405 when the path exists, 404 when not.
 */
export function allowedMethods(app: Hono<any>): (path: string) => string[] {
  let table: Array<{ method: string; pattern: RegExp }> | undefined;
  return (path) => {
    table ??= app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+')}/?$`) }));
    const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
