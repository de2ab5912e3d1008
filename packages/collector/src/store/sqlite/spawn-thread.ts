import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside this one. Built code runs the `.js`
 * file; when this module runs from TypeScript source (under vitest or tsx), the
 * worker loads the `.ts` file through tsx, which a plain Worker cannot.
 */
export function spawnThread(name: string, workerData: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, self), { workerData });
  const entry = new URL(`./${name}.ts`, self).href;
  const tsx = pathToFileURL(createRequire(self).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
  return new Worker(boot, { eval: true, workerData });
}
