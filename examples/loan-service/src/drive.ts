/**
 * Sends applicants through a running loan service and prints how they went.
 *
 *   npm run drive -w @waymark/example-loan-service -- [--url http://127.0.0.1:3000]
 *     [--applications 100] [--seed 1] [--concurrency 8]
 */
import { parseArgs } from 'node:util';
import { drive, formatSummary } from './driver.js';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.LOAN_SERVICE_URL ?? 'http://127.0.0.1:3000' },
    applications: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
  },
});

const integer = (name: 'applications' | 'seed' | 'concurrency', min: number) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${args[name]}"`);
    process.exit(2);
  }
  return n;
};

const options = { url: args.url, applications: integer('applications', 1), seed: integer('seed', 0), concurrency: integer('concurrency', 1) };
try {
  const summary = await drive(options);
  console.log(`${options.applications} applications through ${options.url} (seed ${options.seed}, ${options.concurrency} at a time)\n`);
  console.log(formatSummary(summary));
} catch (error) {
  console.error(error instanceof TypeError && String(error.cause ?? '').includes('ECONNREFUSED') ? `no loan service at ${options.url}: start it with npm start -w @waymark/example-loan-service` : error);
  process.exit(1);
}
