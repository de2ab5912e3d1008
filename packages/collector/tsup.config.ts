import { defineConfig } from 'tsup';

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
    },
    format: ['esm'],
    dts: { entry: library },
    sourcemap: true,
    target: 'node20',
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
