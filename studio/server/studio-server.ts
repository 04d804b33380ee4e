/**
 * The studio's small local server: serves the app (built files, or Vite in dev), holds the HubSpot
 * token in memory, proxies the schema and sample-record reads, and runs the generator.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogEntries } from './catalog.ts';
import { type DestinationEndpoint, destinationSamples, destinationSchema } from './destinations.ts';
import { HubSpotAccess, StudioHttpError } from './hubspot.ts';
import { type LocalRuns, RunLocallyRefusal } from './local-runs.ts';
import { checkHostAndOrigin, checkSession, newSessionToken, sessionCookie } from './security.ts';

export interface StudioOptions {
  /** 0 picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** HubSpot API base URL: the simulator's URL, or https://api.hubapi.com (default). */
  hubspotBaseUrl?: string;
  /** Destination APIs offered in the "read from the destination" menu. */
  destinations?: DestinationEndpoint[];
  /** 'dist' serves studio/dist (run `vite build` first); 'vite' runs Vite's dev middleware. */
  mode?: 'dist' | 'vite';
  /** Directory of the built app (default studio/dist). */
  distDir?: string;
  /** A fixed session token (tests); default a fresh random one per launch. */
  sessionToken?: string;
  /** Loads the generator; default `import('@kongo/generator')`. Tests inject their own. */
  loadGenerator?: () => Promise<GeneratorModule | null>;
  /**
   * "Run locally" and "Open running": the local sandbox's integrations (preflight, load, list, traces).
   * Only `npm start` provides it (the sandbox owns the gateway); absent, those actions are hidden.
   */
  local?: LocalRuns;
  /**
   * A HubSpot token the server connects with at start, so the consultant pastes nothing: under
   * `npm start` the sandbox's own token for the HubSpot simulator (or the real portal's, when given).
   */
  hubspotToken?: string;
}

/** The part of @kongo/generator the studio uses: spec text in, generated files out. */
export interface GeneratorModule {
  generate(input: { specText: string; specFileName: string }): unknown;
}

/** The generator's answer as path → text: `{ files: [{ path, content }] }`, or a record / Map of them. */
export function filesOf(result: unknown): Record<string, string> {
  const value =
    result && typeof result === 'object' && 'files' in result ? (result as { files: unknown }).files : result;
  if (Array.isArray(value))
    return Object.fromEntries(
      value.map((f: { path?: unknown; content?: unknown }) => [String(f.path), String(f.content)]),
    );
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), String(v)]));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  throw new Error('The generator returned no files');
}

export interface StudioServer {
  /** The launch URL, carrying the session token once: http://127.0.0.1:PORT/?session=… */
  url: string;
  /** http://127.0.0.1:PORT/ */
  origin: string;
  port: number;
  close(): Promise<void>;
}

const STUDIO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

const MAX_BODY = 10 * 1024 * 1024;

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StudioHttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch (error) {
    throw new StudioHttpError(400, 'Request body is not JSON', { cause: error });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function defaultGenerator(): Promise<GeneratorModule | null> {
  try {
    const specifier = '@kongo/generator';
    const mod = (await import(/* @vite-ignore */ specifier)) as Partial<GeneratorModule>;
    return typeof mod.generate === 'function' ? (mod as GeneratorModule) : null;
  } catch {
    return null;
  }
}

/** Start the studio; resolves once it listens. */
export async function startStudio(options: StudioOptions = {}): Promise<StudioServer> {
  const token = options.sessionToken ?? newSessionToken();
  const hubspot = new HubSpotAccess(options.hubspotBaseUrl ?? 'https://api.hubapi.com');
  const destinations = options.destinations ?? [];
  const distDir = options.distDir ?? join(STUDIO_ROOT, 'dist');
  const loadGenerator = options.loadGenerator ?? defaultGenerator;
  let port = 0;

  type ViteDev = {
    middlewares: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
    close(): Promise<void>;
  };
  let vite: ViteDev | null = null;

  const requireLocal = (): LocalRuns => {
    if (!options.local)
      throw new StudioHttpError(
        501,
        'Run locally needs the local sandbox: start the studio with `npm start`',
      );
    return options.local;
  };
  if (options.hubspotToken) {
    // Connected from the start: the token stays in this process, the browser never sees it.
    await hubspot
      .connect(options.hubspotToken, 'contacts')
      .catch((error: unknown) =>
        console.error(
          `studio: could not connect to HubSpot at ${hubspot.baseUrl}: ${(error as Error).message}`,
        ),
      );
  }

  const destination = (name: string): DestinationEndpoint => {
    const found = destinations.find((d) => d.name === name);
    if (!found) throw new StudioHttpError(404, `No destination named ${name}`);
    return found;
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    const objectType = url.searchParams.get('objectType') ?? 'contacts';
    if (route === 'GET /api/status') {
      const generator = await loadGenerator();
      return send(res, 200, {
        hubspot: {
          connected: hubspot.hasToken(),
          baseUrl: hubspot.baseUrl,
          objectType: hubspot.connection?.objectType ?? null,
        },
        destinations: destinations.map((d) => ({
          name: d.name,
          api: d.api,
          url: d.url,
          objectType: d.objectType,
          ...(d.template ? { template: d.template } : {}),
        })),
        generator: generator !== null,
        runLocally: options.local !== undefined,
        catalog: catalogEntries(destinations, options.local),
      });
    }
    if (route === 'POST /api/hubspot/connect') {
      const body = (await readJsonBody(req)) as { token?: unknown; objectType?: unknown };
      if (typeof body.token !== 'string' || body.token.trim() === '')
        throw new StudioHttpError(400, 'Enter the private-app access token');
      try {
        const { count } = await hubspot.connect(
          body.token.trim(),
          typeof body.objectType === 'string' ? body.objectType : 'contacts',
        );
        return send(res, 200, { connected: true, count });
      } catch (error) {
        const status = (error as { code?: number }).code;
        throw new StudioHttpError(
          status === 401 ? 401 : 502,
          status === 401
            ? 'HubSpot rejected the token (401): check it and its crm.schemas scopes'
            : `HubSpot could not be reached at ${hubspot.baseUrl}`,
          { cause: error },
        );
      }
    }
    if (route === 'POST /api/hubspot/disconnect') {
      hubspot.disconnect();
      return send(res, 200, { connected: false });
    }
    if (route === 'GET /api/hubspot/properties') return send(res, 200, await hubspot.properties(objectType));
    if (route === 'GET /api/hubspot/samples') {
      const properties = (url.searchParams.get('properties') ?? '').split(',').filter(Boolean);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10) || 10, 100);
      return send(res, 200, { records: await hubspot.samples(objectType, properties, limit) });
    }
    const schemaMatch = /^GET \/api\/destinations\/([\w-]+)\/(schema|samples)$/.exec(route);
    if (schemaMatch) {
      const endpoint = destination(schemaMatch[1]!);
      if (schemaMatch[2] === 'schema') return send(res, 200, await destinationSchema(endpoint));
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10) || 10, 100);
      return send(res, 200, { records: await destinationSamples(endpoint, limit) });
    }
    if (route === 'POST /api/generate') {
      const generator = await loadGenerator();
      if (!generator)
        throw new StudioHttpError(
          501,
          'The generator (@kongo/generator) is not available yet; export the spec and run it later',
        );
      const body = (await readJsonBody(req)) as { spec?: unknown };
      try {
        const specText = `${JSON.stringify(body.spec, null, 2)}\n`;
        const result = await generator.generate({ specText, specFileName: 'integration-spec.json' });
        return send(res, 200, { files: filesOf(result) });
      } catch (error) {
        throw new StudioHttpError(422, `The generator refused the spec: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    if (route === 'POST /api/run-locally') {
      const body = (await readJsonBody(req)) as { spec?: unknown; replace?: unknown };
      const local = requireLocal();
      try {
        return send(
          res,
          200,
          await local.run(`${JSON.stringify(body.spec, null, 2)}\n`, { replace: body.replace === true }),
        );
      } catch (error) {
        if (error instanceof RunLocallyRefusal)
          return send(res, error.reason === 'exists' ? 409 : 422, {
            error: { message: error.message, reason: error.reason, checks: error.checks },
          });
        throw new StudioHttpError(422, `Could not run the spec locally: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    if (route === 'GET /api/local/integrations')
      return send(res, 200, { integrations: requireLocal().list() });
    const switchMatch = /^POST \/api\/local\/integrations\/([\w.-]+)\/(stop|start)$/.exec(route);
    if (switchMatch) {
      const local = requireLocal();
      const name = switchMatch[1]!;
      if (local.specText(name) === undefined)
        throw new StudioHttpError(404, `No integration named ${name} runs locally`);
      local.setRunning(name, switchMatch[2] === 'start');
      return send(res, 200, { integrations: local.list() });
    }
    const localMatch = /^GET \/api\/local\/integrations\/([\w.-]+)\/(spec|activity)$/.exec(route);
    if (localMatch) {
      const local = requireLocal();
      const name = localMatch[1]!;
      const text = local.specText(name);
      if (text === undefined) throw new StudioHttpError(404, `No integration named ${name} runs locally`);
      if (localMatch[2] === 'spec') return send(res, 200, { spec: JSON.parse(text) as unknown });
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      return send(res, 200, local.activity(name, since));
    }
    throw new StudioHttpError(404, `No API route ${route}`);
  }

  async function serveFile(res: ServerResponse, pathname: string): Promise<boolean> {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = resolve(distDir, relative || 'index.html');
    if (!file.startsWith(distDir)) return false;
    try {
      const info = await stat(file);
      if (!info.isFile()) return false;
    } catch {
      return false;
    }
    const immutable = pathname.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(await readFile(file));
    return true;
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof StudioHttpError ? error.status : 500;
      if (status === 500) console.error('studio server error', error);
      if (!res.headersSent) send(res, status, { error: { message: (error as Error).message } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const guard = checkHostAndOrigin(req, port);
    if (!guard.ok) return send(res, guard.status, { error: { message: guard.message } });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    // The launch link: swap the one-time query parameter for an HttpOnly cookie and a clean URL.
    const offered = url.searchParams.get('session');
    if (offered !== null && req.method === 'GET') {
      if (offered !== token)
        return send(res, 401, { error: { message: 'This studio link is from another launch' } });
      res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(token), 'cache-control': 'no-store' });
      return void res.end();
    }
    const session = checkSession(req, token);
    if (!session.ok) {
      if (url.pathname.startsWith('/api/'))
        return send(res, session.status, { error: { message: session.message } });
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(
        `<!doctype html><link rel="icon" href="data:,"><title>Kongo Studio</title><p>${session.message}.</p>`,
      );
    }
    if (url.pathname.startsWith('/api/')) return api(req, res, url);
    if (vite) return vite.middlewares(req, res, () => send(res, 404, { error: { message: 'Not found' } }));
    if (await serveFile(res, url.pathname)) return;
    // Single-page app: unknown paths get the app.
    if (!(await serveFile(res, '/index.html')))
      send(res, 503, {
        error: { message: `The studio is not built: run \`npm run build -w studio\` (looked in ${distDir})` },
      });
  }

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ready());
  });
  port = (server.address() as AddressInfo).port;

  if (options.mode === 'vite') {
    const { createServer: createVite } = await import('vite');
    vite = (await createVite({
      configFile: join(STUDIO_ROOT, 'vite.config.ts'),
      root: STUDIO_ROOT,
      server: { middlewareMode: true, hmr: { server } },
      appType: 'spa',
    })) as unknown as ViteDev;
  }

  const origin = `http://127.0.0.1:${port}/`;
  return {
    url: `${origin}?session=${token}`,
    origin,
    port,
    async close() {
      await vite?.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
