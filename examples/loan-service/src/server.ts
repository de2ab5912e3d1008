/**
 * Starts the loan service on 127.0.0.1:$PORT (default 3000; 0 takes a free port),
 * sending its progress events to $WAYMARK_ENDPOINT through an outbox in $WAYMARK_OUTBOX.
 */
import { serve } from '@hono/node-server';
import { createWaymark } from '@waymark/node';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got "${process.env.PORT}"`);
  process.exit(2);
}

// Its process hooks flush the outbox on SIGTERM and SIGINT, and at a natural exit.
const waymark = createWaymark({
  endpoint: process.env.WAYMARK_ENDPOINT ?? 'http://127.0.0.1:4318',
  service: 'LOAN',
  outboxDir: process.env.WAYMARK_OUTBOX ?? '.waymark-outbox',
  onError: (error) => console.error(`waymark: ${error.code}: ${error.message}`),
});

const server = serve({ fetch: createApp({ waymark }).fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
  console.log(`Loan service listening on http://127.0.0.1:${info.port}`);
});

// Stop taking requests too; the process ends once the last one is answered and the outbox is flushed.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}
