/**
 * The local API gateway: turns HTTP requests into API Gateway HTTP API (payload v2) events for
 * the generated Lambda handlers, with the deployed paths and the deployed stage throttle
 * (100 requests/s steady, burst 50), so the same handler code runs here and on AWS.
 */

import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { TokenBucket } from './token-bucket.ts';

/** A Lambda handler for HTTP API payload v2, as the generated webhook handlers export it. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayRoute {
  method: string;
  /** Exact path, e.g. /webhooks/velflex-attendees/hubspot */
  path: string;
  handler: HttpApiHandler;
  /** Shown in logs and the route listing. */
  name: string;
}

export interface GatewayOptions {
  port?: number;
  /** Stage throttle; defaults are the deployed ones. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** API Gateway's payload limit is 10 MB; handlers enforce their own smaller caps. */
  maxPayloadBytes?: number;
  onRequest?: (info: { route: string | null; status: number; ms: number }) => void;
}

export interface Gateway {
  url: string;
  port: number;
  /** Replace every route of one integration at once (used by "run locally" reloads). */
  setRoutes(group: string, routes: GatewayRoute[]): void;
  removeRoutes(group: string): void;
  routes(): Array<{ group: string; method: string; path: string; name: string }>;
  close(): Promise<void>;
}

const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 50 };

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const throttle = options.throttle ?? DEFAULT_THROTTLE;
  const bucket = new TokenBucket(throttle.rateLimit, throttle.burstLimit);
  const maxPayload = options.maxPayloadBytes ?? 10 * 1024 * 1024;
  const groups = new Map<string, GatewayRoute[]>();

  const find = (method: string, path: string): GatewayRoute | undefined => {
    for (const routes of groups.values()) {
      const hit = routes.find((r) => r.path === path && r.method === method);
      if (hit) return hit;
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    const done = (route: string | null, status: number) =>
      options.onRequest?.({ route, status, ms: performance.now() - started });
    handle(req, res, done).catch((error: unknown) => {
      // A handler crash is a 500 with API Gateway's body, never a dropped connection.
      console.error('gateway: handler failed', error instanceof Error ? error.message : error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      done(null, 500);
    });
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    done: (route: string | null, status: number) => void,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!bucket.take()) {
      // API Gateway's own throttling answer.
      req.resume();
      send(res, 429, { message: 'Too Many Requests' });
      return done(null, 429);
    }
    const route = find(method, url.pathname);
    if (!route) {
      req.resume();
      send(res, 404, { message: 'Not Found' });
      return done(null, 404);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxPayload) {
        send(res, 413, { message: 'Request Entity Too Large' });
        return done(route.name, 413);
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const event = toHttpApiEvent(req, url, method, body);
    const result = await route.handler(event);
    const status = result.statusCode ?? 200;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    const payload = result.body ?? '';
    res.writeHead(status, headers);
    res.end(result.isBase64Encoded ? Buffer.from(payload, 'base64') : payload);
    done(route.name, status);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRoutes(group, routes) {
      groups.set(group, routes);
    },
    removeRoutes(group) {
      groups.delete(group);
    },
    routes() {
      return [...groups.entries()].flatMap(([group, routes]) =>
        routes.map((r) => ({ group, method: r.method, path: r.path, name: r.name })),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Build the payload-v2 event exactly as API Gateway HTTP API would for this request. */
export function toHttpApiEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') cookies.push(...String(value).split(/;\s*/));
    // HTTP API joins repeated headers with commas.
    else headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'] ?? '';
  // A body that claims to be text but isn't valid UTF-8 travels base64-encoded: decoding it as text
  // would replace bytes, break its signature and turn a quarantinable body into a 401.
  const textual =
    body.length === 0 ||
    (/^(application\/(json|x-www-form-urlencoded)|text\/)/i.test(contentType) && isUtf8(body));
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? 'local').split('.')[0] ?? 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !textual,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  return event;
}
