/**
 * The Notification Centre's HTTP surface on web-standard Request/Response: the same function serves the
 * node:http server locally and API Gateway on AWS.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NotificationCentre } from '../centre.ts';
import { renderDashboard } from '../dashboard/page.ts';
import { DASHBOARD_SCRIPT } from '../dashboard/script.ts';
import { ConfigError, NotFoundError } from '../errors.ts';
import { bearerToken } from '../keys.ts';
import { claimedIntegrationId, parseAlarm, parseEvents, parseHeartbeat } from '../schema.ts';

export interface RequestHandlerOptions {
  /** A bearer token that opens `/api/admin/*` and replay requests (the deployed centre's SSM admin token). */
  adminToken?: string;
  /**
   * The local centre's per-launch session: admin and replay requests must carry it (the cookie the launch
   * URL sets, or the `x-kongo-session` header) and come from one of `origins` (same-origin; a browser tab on
   * another site can't forge the Origin header), and every request must name one of the centre's own hosts
   * (DNS rebinding). Without a session and without an admin token, admin and replay are closed.
   */
  session?: { token: string; origins: string[] };
  /** Largest accepted body; a heartbeat is a few KB. Default 256 KiB. */
  maxBodyBytes?: number;
}

export type FetchHandler = (request: Request) => Promise<Response>;

export const NC_SESSION_COOKIE = 'kongo_nc_session';
export const NC_SESSION_HEADER = 'x-kongo-session';

function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });

const problem = (
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response => json(status, { error, message, ...extra });

class BodyTooLarge extends Error {}

async function readCapped(request: Request, max: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw new BodyTooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(
  request: Request,
  max: number,
): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  let text: string;
  try {
    text = await readCapped(request, max);
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return { ok: false, response: problem(413, 'too_large', `Body over ${max} bytes`) };
    throw error;
  }
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: problem(400, 'invalid_json', 'Body must be JSON') };
  }
}

function sameToken(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // Length leaks nothing useful for a random admin token; the comparison itself is constant-time.
  return a.length === b.length && timingSafeEqual(a, b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Endpoints (all JSON unless noted):
 * - `GET /` dashboard (HTML), `GET /dashboard.js`, `GET /healthz`
 * - `POST /api/heartbeats`, `POST /api/events` — `Authorization: Bearer <integration key>`
 * - `GET /api/integrations`, `GET /api/integrations/:id`, `POST /api/integrations/:id/replay`
 * - `POST /api/admin/clients`, `POST /api/admin/integrations`, `POST /api/admin/detect-down`
 */
export function createRequestHandler(
  centre: NotificationCentre,
  options: RequestHandlerOptions = {},
): FetchHandler {
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  const session = options.session;
  /** Why an admin or replay request is refused, or null when it may go ahead. */
  const adminRefusal = (request: Request): Response | null => {
    if (
      options.adminToken !== undefined &&
      sameToken(bearerToken(request.headers.get('authorization')), options.adminToken)
    )
      return null;
    if (!session) return problem(401, 'unauthorised', 'Needs the admin token (Authorization: Bearer …)');
    const origin = request.headers.get('origin');
    if (origin === null || !session.origins.includes(origin)) {
      return problem(
        403,
        'forbidden',
        `Admin and replay requests must come from the Notification Centre's own page (Origin ${origin ?? 'missing'})`,
      );
    }
    const presented =
      request.headers.get(NC_SESSION_HEADER) ?? cookieValue(request.headers.get('cookie'), NC_SESSION_COOKIE);
    if (!sameToken(presented, session.token)) {
      return problem(
        401,
        'unauthorised',
        'No Notification Centre session: open the link printed when it started',
      );
    }
    return null;
  };
  const ownHosts = session ? new Set(session.origins.map((o) => new URL(o).host)) : null;

  const ingest = async (request: Request, kind: 'heartbeat' | 'events' | 'alarm'): Promise<Response> => {
    const read = await readJson(request, maxBody);
    if (!read.ok) return read.response;
    // Authenticate before looking at anything but the claimed id: strangers learn nothing about the schema.
    const token = bearerToken(request.headers.get('authorization'));
    const claimed = claimedIntegrationId(read.body);
    const integration = token && claimed ? await centre.authenticate(claimed, token) : null;
    if (!integration) {
      return problem(
        401,
        'unauthorised',
        'Send the integration id in the body and its key as a bearer token',
        {},
      );
    }
    if (kind === 'alarm') {
      const parsed = parseAlarm(read.body);
      if (!parsed.ok) {
        await centre.recordRejection(integration, parsed.problems);
        return problem(400, 'invalid_payload', 'An alarm carries its name, state and time only', {
          problems: parsed.problems,
        });
      }
      return json(202, { ok: true, ...(await centre.ingestAlarm(integration, parsed.value)) });
    }
    if (kind === 'events') {
      const parsed = parseEvents(read.body);
      if (!parsed.ok) {
        await centre.recordRejection(integration, parsed.problems);
        return problem(
          400,
          'invalid_payload',
          'Only ids, counts, outcomes, reasons and timings are accepted',
          { problems: parsed.problems },
        );
      }
      return json(202, { ok: true, ...(await centre.ingestEvents(integration, parsed.value)) });
    }
    const parsed = parseHeartbeat(read.body);
    if (!parsed.ok) {
      await centre.recordRejection(integration, parsed.problems);
      return problem(400, 'invalid_payload', 'Only ids, counts, outcomes, reasons and timings are accepted', {
        problems: parsed.problems,
      });
    }
    if (parsed.value.clientSlug !== integration.clientSlug) {
      await centre.recordRejection(integration, ['/clientSlug: does not match the registration']);
      return problem(400, 'invalid_payload', 'clientSlug does not match the registration', {
        problems: ['/clientSlug: does not match the registration'],
      });
    }
    const result = await centre.ingestHeartbeat(integration, parsed.value);
    return json(200, { ok: true, ...result });
  };

  const route = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method.toUpperCase();
    if (ownHosts && !ownHosts.has(request.headers.get('host') ?? url.host)) {
      return problem(403, 'forbidden', `Host ${request.headers.get('host') ?? url.host} is not this centre`);
    }

    if (method === 'GET' && path === '/' && session && url.searchParams.has('session')) {
      // The launch link: trade the token in the URL for a cookie the page's own requests carry.
      if (!sameToken(url.searchParams.get('session'), session.token))
        return problem(401, 'unauthorised', 'That session link is from another launch');
      return new Response(null, {
        status: 303,
        headers: {
          location: '/',
          'cache-control': 'no-store',
          'set-cookie': `${NC_SESSION_COOKIE}=${encodeURIComponent(session.token)}; HttpOnly; SameSite=Strict; Path=/`,
        },
      });
    }
    if (method === 'GET' && path === '/') {
      return new Response(renderDashboard(await centre.overview()), {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    if (method === 'GET' && path === '/dashboard.js') {
      return new Response(DASHBOARD_SCRIPT, {
        headers: { 'content-type': 'text/javascript; charset=utf-8' },
      });
    }
    if (method === 'GET' && path === '/healthz') return json(200, { ok: true, now: centre.now() });
    if (method === 'POST' && path === '/api/heartbeats') return ingest(request, 'heartbeat');
    if (method === 'POST' && path === '/api/events') return ingest(request, 'events');
    if (method === 'POST' && path === '/api/alarms') return ingest(request, 'alarm');
    if (method === 'GET' && path === '/api/integrations') return json(200, await centre.overview());

    const one = /^\/api\/integrations\/([^/]+)(\/replay)?$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1] ?? '');
      if (!one[2] && method === 'GET') return json(200, await centre.detail(id));
      if (one[2] && method === 'POST') {
        const refused = adminRefusal(request);
        if (refused) return refused;
        const read = await readJson(request, maxBody);
        const body = read.ok && isRecord(read.body) ? read.body : {};
        const ids = Array.isArray(body.deadLetterIds)
          ? body.deadLetterIds.filter((x): x is string => typeof x === 'string')
          : undefined;
        const command = await centre.requestReplay(id, ids);
        return json(202, { ok: true, command });
      }
    }

    if (path.startsWith('/api/admin/')) {
      const refused = adminRefusal(request);
      if (refused) return refused;
      if (method === 'POST' && path === '/api/admin/detect-down') return json(200, await centre.detectDown());
      const read = await readJson(request, maxBody);
      if (!read.ok) return read.response;
      if (!isRecord(read.body)) return problem(400, 'invalid_payload', 'Body must be a JSON object');
      const b = read.body;
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      if (method === 'POST' && path === '/api/admin/clients') {
        const input: { slug: string; name: string; slackWebhookUrl?: string } = {
          slug: str(b.slug) ?? '',
          name: str(b.name) ?? '',
        };
        const hook = str(b.slackWebhookUrl);
        if (hook !== undefined) input.slackWebhookUrl = hook;
        const client = await centre.registerClient(input);
        return json(201, {
          slug: client.slug,
          name: client.name,
          slack: client.slackWebhookUrl ? 'configured' : 'none',
        });
      }
      if (method === 'POST' && path === '/api/admin/integrations') {
        const input: {
          id: string;
          clientSlug: string;
          name?: string;
          key?: string;
          intervalSeconds?: number;
        } = {
          id: str(b.id) ?? '',
          clientSlug: str(b.clientSlug) ?? '',
        };
        const name = str(b.name);
        const key = str(b.key);
        if (name !== undefined) input.name = name;
        if (key !== undefined) input.key = key;
        if (typeof b.intervalSeconds === 'number') input.intervalSeconds = b.intervalSeconds;
        const { integration, key: issued } = await centre.registerIntegration(input);
        return json(201, {
          id: integration.id,
          clientSlug: integration.clientSlug,
          name: integration.name,
          intervalSeconds: integration.intervalSeconds,
          // Shown once: only its hash is stored.
          key: issued,
        });
      }
    }
    return problem(404, 'not_found', `No route for ${method} ${path}`);
  };

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      if (error instanceof NotFoundError) return problem(404, 'not_found', error.message);
      if (error instanceof ConfigError) return problem(400, 'invalid_config', error.message);
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'request failed', service: 'notification-centre', reason: message.slice(0, 300) })}\n`,
      );
      return problem(
        500,
        'internal_error',
        'The Notification Centre failed to handle the request; see its logs',
      );
    }
  };
}
