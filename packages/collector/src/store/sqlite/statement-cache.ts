import type Database from 'better-sqlite3';

/** Prepares each distinct SQL text once per connection: for statements built from a query's filters. */
export function statementCache(db: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
