// A recording webhook endpoint for tests: answers with a scripted status per request and keeps every delivery.
import type { IncomingHttpHeaders } from 'node:http';
import { readBody, sendJson } from './json.ts';
import { listen } from './server.ts';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once at least `count` deliveries arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * @param respond status for the nth delivery (0-based); default always 200. Return `'hang'` to never answer.
 * @example const hook = await startWebhookReceiver((n) => (n < 2 ? 503 : 200));
 */
export async function startWebhookReceiver(
  respond: (index: number, body: string) => number | 'hang' = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: Array<() => void> = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const index = received.length;
    received.push({ headers: req.headers, body, receivedAt: Date.now() });
    for (const wake of waiters.splice(0)) wake();
    const status = respond(index, body);
    if (status === 'hang') return;
    sendJson(res, status, { received: true });
  });
  return {
    url: `${server.url}/hook`,
    received,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () =>
            reject(
              new Error(
                `Expected ${count} webhook deliveries within ${timeoutMs} ms, got ${received.length}.`,
              ),
            ),
          timeoutMs,
        );
        const check = (): void => {
          if (received.length >= count) {
            clearTimeout(deadline);
            resolve([...received]);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => server.close(),
  };
}
