export type * from './store.js';
export { InvalidCursorError, StoreUnavailableError } from './store.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite/store-sqlite.js';
