export type * from './store.js';
export type * from './analytics.js';
export { InvalidCursorError, StoreUnavailableError } from './store.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite/store-sqlite.js';
// The SQLite schema and write statements, for tools and benchmarks that must match the store exactly.
export { MIGRATIONS, WAL_AUTOCHECKPOINT_PAGES, applyPragmas, migrate, type PragmaOptions } from './sqlite/schema.js';
export { INSERT_SQL } from './sqlite/writes.js';
