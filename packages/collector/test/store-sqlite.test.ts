import { join } from 'node:path';
import { createSqliteStore } from '../src/store/index.js';
import { tempDir } from './helpers.js';
import { describeStoreContract } from './store-contract.js';
import { describeAnalyticsStoreContract } from './analytics-store-contract.js';

/** A fresh SQLite store in a directory of its own, removed by `dispose`. */
const openSqlite = (file: string) => async () => {
  const { dir, cleanup } = tempDir();
  const store = createSqliteStore({ path: join(dir, file) });
  await store.ready;
  return {
    store,
    dispose: async () => {
      await store.close();
      cleanup();
    },
  };
};

describeStoreContract('SQLite', openSqlite('contract.db'));
describeAnalyticsStoreContract('SQLite', openSqlite('analytics.db'));
