// Starts a simulator's node:http server on 127.0.0.1 and closes it promptly, hung requests included.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Only loopback by design: simulators must never be reachable from the network. */
  host?: '127.0.0.1' | 'localhost';
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops listening and destroys open sockets (including requests a timeout fault left hanging). */
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1. A handler that throws answers 500 with a JSON body instead of crashing the process.
 * @example const s = await listen((req, res) => sendJson(res, 200, { ok: true })); await s.close();
 */
export async function listen(handler: RequestHandler, options: ListenOptions = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'SIMULATOR_ERROR', message } }));
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Resolves after `ms` milliseconds (0 resolves on the next macrotask). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
