import { SessionQuerySchema } from '@waymark/protocol';
import { Hono } from 'hono';
import { createSession, patchSession } from '../domain/sessions.js';
import { notFound } from '../http/answers.js';
import type { RouteDeps } from '../http/deps.js';
import type { CollectorEnv } from '../http/env.js';
import { fail, invalid } from '../http/error-body.js';
import { readJsonBody } from '../http/read-body.js';
import { readQuery } from '../http/read-query.js';

/** Sessions: create, update, read one, list. */
export function sessionRoutes({ store, now }: RouteDeps) {
  return new Hono<CollectorEnv>()
    .post('/', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const outcome = await createSession(store, body.value, { route: '/api/sessions', receivedAt: now() });
      const counted = outcome.status === 'invalid' ? 'rejected' : outcome.status === 'created' ? 'accepted' : 'duplicates';
      c.set('counts', { session: { accepted: 0, duplicates: 0, rejected: 0, [counted]: 1 } });
      if (outcome.status === 'invalid') return invalid(c, outcome.errors);
      return c.json(outcome.session, outcome.status === 'created' ? 201 : 200);
    })
    .patch('/:sessionId', async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      const outcome = await patchSession(store, c.req.param('sessionId'), body.value, now());
      switch (outcome.status) {
        case 'invalid':
          return invalid(c, outcome.errors);
        case 'not_found':
          return notFound(c, 'session', 'sessionId');
        case 'conflict':
          return fail(c, 409, 'conflict', outcome.message, [{ path: outcome.path, rule: outcome.rule, message: outcome.message }]);
        case 'updated':
          return c.json(outcome.session);
      }
    })
    .get('/:sessionId', async (c) => {
      const session = await store.getSession(c.req.param('sessionId'));
      return session ? c.json(session) : notFound(c, 'session', 'sessionId');
    })
    .get('/', async (c) => {
      const q = readQuery(c, SessionQuerySchema);
      return q.ok ? c.json(await store.listSessions(q.value)) : q.response;
    });
}
