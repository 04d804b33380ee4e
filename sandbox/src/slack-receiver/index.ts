/**
 * A local stand-in for Slack's incoming webhooks: accepts what Slack accepts, answers what Slack answers
 * (`200 ok`, `400 invalid_payload`, `400 no_text`) and records every accepted message for tests and demos.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackMessage {
  /** The webhook path it was posted to, e.g. `/services/T000/B000/velflex` (one path per client). */
  path: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  body: Record<string, unknown>;
  receivedAt: number;
}

export interface SlackReceiverOptions {
  port?: number;
  host?: string;
  /** Called for every accepted message (e.g. to print it in `npm start`). */
  onMessage?: (message: SlackMessage) => void;
}

export interface SlackReceiver {
  /** Base URL; any path below it is a webhook. */
  url: string;
  port: number;
  /** Every accepted message, oldest first. */
  messages: SlackMessage[];
  /** A webhook URL for one channel/client, e.g. `webhookUrl('velflex')`. */
  webhookUrl(name: string): string;
  /** Resolves once `count` messages (optionally matching) have arrived; rejects after `timeoutMs`. */
  waitFor(
    count: number,
    options?: { match?: (m: SlackMessage) => boolean; timeoutMs?: number },
  ): Promise<SlackMessage[]>;
  /** Answer the next `n` posts with this status and body instead of accepting them (e.g. 500, 429). */
  failNext(n: number, status?: number, body?: string): void;
  clear(): void;
  close(): Promise<void>;
}

const MAX_BODY = 1_000_000;

function answer(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Slack decides `invalid_payload` (not JSON / not an object) before `no_text` (nothing to show). */
export function classifySlackPayload(
  raw: string,
): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'invalid_payload' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, error: 'invalid_payload' };
  const body = parsed as Record<string, unknown>;
  if (body.text !== undefined && typeof body.text !== 'string')
    return { ok: false, error: 'invalid_payload' };
  if (body.blocks !== undefined && !Array.isArray(body.blocks)) return { ok: false, error: 'invalid_blocks' };
  if (body.attachments !== undefined && !Array.isArray(body.attachments))
    return { ok: false, error: 'invalid_attachments' };
  const hasText = typeof body.text === 'string' && body.text.trim() !== '';
  const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) return { ok: false, error: 'no_text' };
  return { ok: true, body };
}

/**
 * @example
 * const slack = await startSlackReceiver();
 * // configure a client's webhook as slack.webhookUrl('velflex'), then:
 * await slack.waitFor(1); expect(slack.messages[0]?.text).toContain('down');
 */
export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  const messages: SlackMessage[] = [];
  const waiters = new Set<() => void>();
  let failures: { remaining: number; status: number; body: string } = { remaining: 0, status: 500, body: '' };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/') {
        answer(
          res,
          200,
          'Slack incoming-webhook receiver (local). POST JSON {text, blocks?, attachments?} to any path.',
        );
        return;
      }
      if (req.method !== 'POST') {
        answer(res, 405, 'invalid_method', { allow: 'POST' });
        return;
      }
      const raw = await readBody(req);
      if (raw === null) {
        answer(res, 413, 'request_too_large');
        return;
      }
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        answer(res, failures.status, failures.body);
        return;
      }
      // Slack also accepts form posts with a `payload=` field; JSON is what @slack/webhook sends.
      const contentType = req.headers['content-type'] ?? '';
      const text = contentType.includes('application/x-www-form-urlencoded')
        ? (new URLSearchParams(raw).get('payload') ?? '')
        : raw;
      const verdict = classifySlackPayload(text);
      if (!verdict.ok) {
        answer(res, 400, verdict.error);
        return;
      }
      const body = verdict.body;
      const message: SlackMessage = {
        path: req.url ?? '/',
        text: typeof body.text === 'string' ? body.text : undefined,
        blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
        attachments: Array.isArray(body.attachments) ? body.attachments : undefined,
        body,
        receivedAt: Date.now(),
      };
      messages.push(message);
      options.onMessage?.(message);
      for (const wake of waiters) wake();
      answer(res, 200, 'ok');
    })().catch(() => {
      if (!res.headersSent) answer(res, 500, 'internal_error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    messages,
    webhookUrl: (name) => `${url}/services/T00000000/B00000000/${encodeURIComponent(name)}`,
    waitFor(count, { match = () => true, timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.filter(match);
          if (found.length < count) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `Slack receiver: expected ${count} message(s), got ${messages.filter(match).length} in ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const wake = (): void => {
          check();
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
        check();
      });
    },
    failNext(n, status = 500, body = 'internal_error') {
      failures = { remaining: n, status, body };
    },
    clear() {
      messages.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
