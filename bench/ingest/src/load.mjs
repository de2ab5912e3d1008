/**
 * The load generator, in a process of its own so that it never shares an event
 * loop with the server it measures. Forked by run.ts; reads the pre-built request
 * bodies (one JSON body per line) and drives them with autocannon over keep-alive
 * connections. Each request takes the next body: with `wrap: false` every body is
 * sent at most once (the collector must see new events only); with `wrap: true`
 * the bodies are reused in a loop (the bare server stores nothing).
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

process.once('message', async (options) => {
  const { url, bodiesFile, connections, amount, duration, wrap } = options;
  const text = readFileSync(bodiesFile, 'utf8');
  const bodies = text.split('\n').filter(Boolean).map((line) => Buffer.from(line));
  let next = 0;
  let exhausted = false;

  // autocannon's own duration is rounded up to its next 1 s sample; time the load
  // from the start to the last answer instead.
  const started = performance.now();
  let last = started;
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    // Long enough that a slow commit is a slow answer, not a resent request.
    timeout: 120,
    ...(amount ? { amount } : { duration }),
    headers: { 'content-type': 'application/json' },
    method: 'POST',
    requests: [
      {
        method: 'POST',
        path: new URL(url).pathname,
        // Called once per request sent (autocannon builds a request only to send it).
        setupRequest(req) {
          if (next === bodies.length) {
            if (!wrap) exhausted = true;
            next = 0;
          }
          return { ...req, body: bodies[next++] };
        },
      },
    ],
  });
  instance.on('response', () => {
    last = performance.now();
  });
  const result = await instance;
  process.send({
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: (last - started) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    exhausted,
  });
  process.exit(0);
});
