#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startCollector } from './server.js';

const USAGE = `waymark-collector [options]

  --host <host>            interface to listen on (default 127.0.0.1)
  --port <port>            port, 0 for any free one (default 4318)
  --db <file>              SQLite database file (default waymark.db)
  --write-key <key>        key for ingest routes (or WAYMARK_WRITE_KEY)
  --admin-key <key>        key for reads, PATCHes and /metrics (or WAYMARK_ADMIN_KEY)
  --insecure               allow a non-loopback host without keys
  --max-body-bytes <n>     largest accepted body (default 1048576)
  --retention-days <n>     delete records older than this (default 365)
  --drop-timeout-ms <n>    a journey with no event for this long is DROPPED (default 120000)
  --session-timeout-ms <n> an active session with no activity for this long ends
                           as timeout; 0 never (default 600000)
  --time-zone <zone>       IANA time zone of daily summaries' days and of the
                           bottleneck heatmap's hours (default Asia/Seoul)
  --daily-summary-at <t>   HH:MM in that zone at which yesterday's daily summaries
                           are computed, or off (default 00:05)
  --quiet                  no request log
  --help                   this text`;

function fatal(message: string): never {
  process.stderr.write(`waymark-collector: ${message}\n`);
  process.exit(2);
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) fatal(`--${name} must be a number, got "${value}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'write-key': { type: 'string' },
      'admin-key': { type: 'string' },
      insecure: { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      'retention-days': { type: 'string' },
      'drop-timeout-ms': { type: 'string' },
      'session-timeout-ms': { type: 'string' },
      'time-zone': { type: 'string' },
      'daily-summary-at': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  }).values;
} catch (error) {
  fatal(`${(error as Error).message}\n\n${USAGE}`);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

try {
  const collector = await startCollector({
    host: args.host,
    port: numberFlag('port', args.port),
    db: args.db,
    writeKey: args['write-key'] ?? process.env.WAYMARK_WRITE_KEY,
    adminKey: args['admin-key'] ?? process.env.WAYMARK_ADMIN_KEY,
    insecure: args.insecure,
    maxBodyBytes: numberFlag('max-body-bytes', args['max-body-bytes']),
    retentionDays: numberFlag('retention-days', args['retention-days']),
    ...(args['drop-timeout-ms'] !== undefined ? { dropTimeouts: { default: numberFlag('drop-timeout-ms', args['drop-timeout-ms']) } } : {}),
    sessionTimeoutMs: numberFlag('session-timeout-ms', args['session-timeout-ms']),
    timeZone: args['time-zone'],
    dailySummaryAt: args['daily-summary-at'] === 'off' ? false : args['daily-summary-at'],
    ...(args.quiet ? { log: false as const } : {}),
  });
  process.stdout.write(`Waymark collector listening on ${collector.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`waymark-collector: ${signal}, finishing in-flight writes\n`);
    collector.close().then(
      () => process.exit(0),
      (error) => fatal(`close failed: ${String(error)}`),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  fatal((error as Error).message);
}
