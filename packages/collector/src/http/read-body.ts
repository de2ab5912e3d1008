import type { Context } from 'hono';
import type { CollectorEnv } from './env.js';
import { fail } from './error-body.js';
import { bodyText } from './request-body.js';

/** Content types whose body is read as JSON; beacons send text/plain. */
const JSON_TYPES = new Set(['application/json', 'text/plain']);

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

/** Reads a JSON body, answering 415 / 400 for a wrong content type, an empty body or invalid JSON. */
export async function readJsonBody(c: Context<CollectorEnv>): Promise<BodyResult> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !JSON_TYPES.has(type)) {
    return {
      ok: false,
      response: fail(c, 415, 'unsupported_media_type', `content-type ${type} is not accepted; send application/json or text/plain`, [
        { path: 'content-type', rule: 'media_type', message: 'must be application/json or text/plain' },
      ]),
    };
  }
  const text = await bodyText(c);
  if (text.trim() === '') {
    return { ok: false, response: fail(c, 400, 'empty_body', 'the body is empty', [{ path: '', rule: 'required', message: 'a JSON body is required' }]) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'invalid JSON';
    return { ok: false, response: fail(c, 400, 'invalid_json', `the body is not valid JSON: ${detail}`, [{ path: '', rule: 'json', message: detail }]) };
  }
}
