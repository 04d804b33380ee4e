/** The Notification Centre as a local node:http server on 127.0.0.1, with its own down-detection timer. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { AlertNotifier } from './alerts/notifier.ts';
import { slackNotifier } from './alerts/notifier.ts';
import type { AlertRules } from './alerts/rules.ts';
import { type NcConfig, NotificationCentre } from './centre.ts';
import { createRequestHandler, type FetchHandler } from './http/routes.ts';
import { MemoryNcStore } from './store/memory.ts';
import type { NcStore } from './store/types.ts';
import type { Clock } from './types.ts';

export interface StartNotificationCentreOptions {
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
  /** Default: in memory. `npm start` passes a DynamoNcStore on the embedded dynalite. */
  store?: NcStore;
  /** Default: Slack through @slack/webhook. */
  notifier?: AlertNotifier;
  clock?: Clock;
  rules?: Partial<AlertRules>;
  /** Clients and integrations to register at start. */
  config?: NcConfig;
  /** A JSON file holding an `NcConfig` (read at start). */
  configFile?: string;
  /** Seconds between down checks; 0 turns the timer off (tests call `detectDown()` themselves). Default 5. */
  detectEverySeconds?: number;
  /** A bearer token that also opens the admin and replay API (scripts); the session always does. */
  adminToken?: string;
  /** The per-launch session token (tests); default a fresh random one per start. */
  sessionToken?: string;
  /** Linked from Slack messages; defaults to this server's URL. */
  publicUrl?: string;
  logSink?: (line: string) => void;
}

export interface RunningNotificationCentre {
  url: string;
  /** Opens the dashboard with this launch's session (it sets the cookie replay and admin requests need). */
  launchUrl: string;
  /** This launch's session: send it as `x-kongo-session` with an `Origin` of `url` to call the admin API. */
  sessionToken: string;
  port: number;
  centre: NotificationCentre;
  handler: FetchHandler;
  /** Runs down detection now (what the timer and, on AWS, the schedule do). */
  detectDown(): ReturnType<NotificationCentre['detectDown']>;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    // Streamed, so the handler's size cap applies before the whole body is buffered.
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(new URL(req.url ?? '/', origin), init);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * @example
 * const nc = await startNotificationCentre({ config: { clients: [{ slug: 'velflex', name: 'Velflex',
 *   slackWebhookUrl: slack.webhookUrl('velflex') }], integrations: [{ id: 'velflex-attendees',
 *   clientSlug: 'velflex', name: 'Velflex Integration', key: 'a-key-of-16-chars-or-more' }] } });
 * console.log(`Notification Centre: ${nc.url}/`);
 */
export async function startNotificationCentre(
  options: StartNotificationCentreOptions = {},
): Promise<RunningNotificationCentre> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  const centreOptions: ConstructorParameters<typeof NotificationCentre>[0] = {
    store: options.store ?? new MemoryNcStore(),
    notifier: options.notifier ?? slackNotifier(),
    publicUrl: options.publicUrl ?? url,
  };
  if (options.clock) centreOptions.clock = options.clock;
  if (options.rules) centreOptions.rules = options.rules;
  if (options.logSink) centreOptions.logSink = options.logSink;
  const centre = new NotificationCentre(centreOptions);
  try {
    if (options.configFile)
      await centre.applyConfig(JSON.parse(await readFile(options.configFile, 'utf8')) as NcConfig);
    if (options.config) await centre.applyConfig(options.config);
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }

  const sessionToken = options.sessionToken ?? randomBytes(24).toString('base64url');
  const handlerOptions: Parameters<typeof createRequestHandler>[1] = {
    session: { token: sessionToken, origins: [url, `http://localhost:${port}`] },
  };
  if (options.adminToken !== undefined) handlerOptions.adminToken = options.adminToken;
  const handler = createRequestHandler(centre, handlerOptions);
  server.on('request', (req, res) => {
    toRequest(req, url)
      .then(handler)
      .then((response) => send(res, response))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      });
  });

  let timer: ReturnType<typeof setInterval> | undefined;
  let detecting: Promise<unknown> | null = null;
  const every = options.detectEverySeconds ?? 5;
  if (every > 0) {
    timer = setInterval(() => {
      if (detecting) return;
      detecting = centre
        .detectDown()
        .catch(() => undefined)
        .finally(() => {
          detecting = null;
        });
    }, every * 1000);
    timer.unref();
  }

  return {
    url,
    launchUrl: `${url}/?session=${encodeURIComponent(sessionToken)}`,
    sessionToken,
    port,
    centre,
    handler,
    detectDown: () => centre.detectDown(),
    async close() {
      clearInterval(timer);
      if (detecting) await detecting;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
