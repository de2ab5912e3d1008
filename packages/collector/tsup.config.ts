import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * Copies the browser SDK's script-tag build into dist/sdk, where GET /sdk/waymark.min.js
 * serves it from. A build asset only: the collector imports no SDK code. Turbo builds
 * @waymark/browser first, as a dependency of this package.
 */
async function copyBrowserSdk() {
  let from: string;
  try {
    from = createRequire(join(process.cwd(), 'package.json')).resolve('@waymark/browser/waymark.min.js');
  } catch {
    console.warn('@waymark/browser is not built: this collector will answer 404 at /sdk/waymark.min.js');
    return;
  }
  mkdirSync('dist/sdk', { recursive: true });
  copyFileSync(from, 'dist/sdk/waymark.min.js');
}

/** Copies the dashboard's static files (page, script, stylesheet, icon) to dist/dashboard, where GET / serves them from. */
function copyDashboard() {
  cpSync('src/dashboard', 'dist/dashboard', { recursive: true });
}

const library = { index: 'src/index.ts', store: 'src/store/index.ts' };

export default defineConfig([
  {
    // ESM: the library, the CLI, and the worker threads, which are loaded by file
    // name from beside the chunks that start them.
    entry: {
      ...library,
      cli: 'src/cli.ts',
      'writer-thread': 'src/store/sqlite/writer-thread.ts',
      'checkpoint-thread': 'src/store/sqlite/checkpoint-thread.ts',
      'analytics-thread': 'src/store/sqlite/analytics-thread.ts',
    },
    format: ['esm'],
    dts: { entry: library },
    sourcemap: true,
    target: 'node20',
    onSuccess: async () => {
      copyDashboard();
      await copyBrowserSdk();
    },
  },
  {
    // CJS for require() users; it starts the same ESM worker files.
    entry: library,
    format: ['cjs'],
    dts: { entry: library },
    sourcemap: true,
    shims: true,
    target: 'node20',
  },
]);
