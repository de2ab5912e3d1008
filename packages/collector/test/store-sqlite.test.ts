import { join } from 'node:path';
import { createSqliteStore } from '../src/store/index.js';
import { tempDir } from './helpers.js';
import { describeStoreContract } from './store-contract.js';
import { describeAnalyticsStoreContract } from './analytics-store-contract.js';

describeStoreContract('SQLite', async () => {
  const { dir, cleanup } = tempDir();
  const store = createSqliteStore({ path: join(dir, 'contract.db') });
  await store.ready;
  return {
    store,
    dispose: async () => {
      await store.close();
      cleanup();
    },
  };
});

describeAnalyticsStoreContract('SQLite', async () => {
  const { dir, cleanup } = tempDir();
  const store = createSqliteStore({ path: join(dir, 'analytics.db') });
  await store.ready;
  return {
    store,
    dispose: async () => {
      await store.close();
      cleanup();
    },
  };
});
