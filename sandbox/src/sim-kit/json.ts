// JSON request bodies and responses for simulators: read with a size cap, answer with exact headers.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An expected failure with an HTTP status; simulators turn it into their own error body shape. */
export class SimHttpError extends Error {
  override name = 'SimHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ReadonlyArray<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

/** Reads the raw body as UTF-8; rejects with 413 when it exceeds `limitBytes` (default 1 MiB). */
export async function readBody(req: IncomingMessage, limitBytes = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limitBytes)
      throw new SimHttpError(413, 'PAYLOAD_TOO_LARGE', `Body exceeds ${limitBytes} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; an empty body is `undefined`; malformed JSON is a 400 `INVALID_JSON`. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SimHttpError(400, 'INVALID_JSON', `Body is not valid JSON: ${reason}`);
  }
}

/** Reads and parses a JSON body in one step. */
export async function readJson(req: IncomingMessage, limitBytes?: number): Promise<unknown> {
  return parseJson(await readBody(req, limitBytes));
}

/** Sends `body` as JSON (no body for 204). Extra headers are sent verbatim. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sends plain text (used for `GET /`). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** True when `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A header's single value (first one when repeated), or undefined. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
