/** A server-sent event as the test client parsed it. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal EventSource for tests, over fetch: parses the stream as the SSE format
 * says (fields per line, events separated by a blank line, `:` comments), keeps
 * events and comments, and lets a test wait for a number of them.
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  let notify: (() => void) | undefined;
  const changed = () => {
    notify?.();
    notify = undefined;
  };

  const done = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.search(/\r\n\r\n|\n\n|\r\r/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + (buffer.startsWith('\r\n\r\n', cut) ? 4 : 2));
          const event: SseEvent = { data: '' };
          const data: string[] = [];
          let isEvent = false;
          for (const line of block.split(/\r\n|\n|\r/)) {
            if (line.startsWith(':')) {
              comments.push(line.slice(1).trim());
              continue;
            }
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            isEvent = true;
            if (field === 'data') data.push(value);
            else if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
          }
          if (isEvent) {
            event.data = data.join('\n');
            events.push(event);
          }
        }
        changed();
      }
    } catch {
      // aborted by the test
    } finally {
      ended = true;
      changed();
    }
  })();

  async function until(check: () => boolean, what: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (ended) throw new Error(`stream ended before ${what}; got ${events.length} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${events.length} events`);
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, Math.min(left, 50));
      });
    }
  }

  return {
    res,
    events,
    comments,
    get ended() {
      return ended;
    },
    /** Waits until `n` events have arrived in all. */
    waitForEvents: (n: number, timeoutMs = 5_000) => until(() => events.length >= n, `${n} events`, timeoutMs),
    waitForComment: (timeoutMs = 5_000) => until(() => comments.length > 0, 'a comment', timeoutMs),
    /** Resolves when the server ends the stream. */
    waitForEnd: async (timeoutMs = 5_000) => {
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('stream did not end')), timeoutMs))]);
    },
    close() {
      controller.abort();
      return done;
    },
  };
}
