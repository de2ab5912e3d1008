import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const define = { __VERSION__: JSON.stringify(version) };

export default defineConfig([
  {
    // For bundlers: core and idb-keyval stay dependencies.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    define,
  },
  {
    // For the script tag: everything in one minified file, no source map shipped.
    entry: { waymark: 'src/script-tag.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.min.js' }),
    // terser packs this file about 3 % smaller than esbuild's minifier.
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 2 }, toplevel: true },
    target: 'es2020',
    platform: 'browser',
    noExternal: [/./],
    define,
  },
]);
