/**
 * The servers a process test talks to: a real collector on its own database, a port
 * where nothing listens, a port that accepts connections and never answers, and a
 * front that answers batches as a test says before passing them on.
 */
import { startCollector } from '@waymark/collector';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder, removed by `remove()`. */
export function tempDir(prefix = 'waymark-node-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** A URL on 127.0.0.1 where nothing listens: a port taken from the system, then closed. */
export async function deadEndpoint(): Promise<string> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A real collector on 127.0.0.1:0 with a database in its own temp folder. */
export async function testCollector() {
  const { dir, remove } = tempDir('waymark-collector-');
  const collector = await startCollector({ port: 0, db: join(dir, 'collector.db'), log: false });
  return {
    url: collector.url,
    async stop() {
      await collector.close();
      remove();
    },
  };
}

/** A port that accepts connections and never answers: requests hang until their own timeout. */
export async function blackHole() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One POST to the front's `/api/batch`, as the front saw and answered it. */
export interface FrontRequest {
  /** Epoch ms when the request arrived. */
  at: number;
  /** Epoch ms just before the answer was written (undefined for a cut connection). */
  answeredAt?: number;
  status: number;
  body: string;
}

/** What the front does with a batch: an answer of its own, `proxy` to the collector, or `cut` the connection. */
export type FrontAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'proxy' | 'cut';

/**
 * An HTTP server in front of a collector: `decide` sees each batch request (with the
 * ones before it) and says how to answer. Every request is recorded with its times.
 */
export async function fakeFront(collectorUrl: string, decide: (request: { at: number; body: string }, earlier: readonly FrontRequest[]) => FrontAnswer) {
  const requests: FrontRequest[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const answer = decide({ at, body }, requests);
      const record: FrontRequest = { at, status: 0, body };
      requests.push(record);
      if (answer === 'cut') {
        req.socket.destroy();
        return;
      }
      let status: number;
      let headers: Record<string, string> = { 'content-type': 'application/json' };
      let text: string;
      if (answer === 'proxy') {
        const forwarded = await fetch(`${collectorUrl}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body });
        status = forwarded.status;
        text = await forwarded.text();
        const retryAfter = forwarded.headers.get('retry-after');
        if (retryAfter) headers['retry-after'] = retryAfter;
      } else {
        status = answer.status;
        headers = { ...headers, ...answer.headers };
        text = answer.body ?? JSON.stringify({ error: { code: 'test', message: `answered ${answer.status} by the test front` } });
      }
      record.status = status;
      record.answeredAt = Date.now();
      res.writeHead(status, headers);
      res.end(text);
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
