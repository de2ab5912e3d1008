import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/metrics.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
});
