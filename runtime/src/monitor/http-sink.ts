/** The HTTP adapter of the `HeartbeatSink` port: POSTs heartbeats to the Notification Centre with the integration's key. */
import { HeartbeatDeliveryError, type HeartbeatSink } from './heartbeat.ts';
import type {
  EventsPayload,
  HeartbeatPayload,
  HeartbeatResponse,
  PendingCommand,
  TraceSummary,
} from './types.ts';

export interface HttpHeartbeatSinkOptions {
  /** The Notification Centre's base URL, e.g. `https://nc.kongo.example` (from the spec's urlParameter). */
  url: string;
  /** This integration's own key (from the spec's keyParameter); sent as a bearer token, never logged. */
  key: string;
  fetch?: typeof fetch;
  /** Default 5000 ms: a heartbeat that can't get through in 5 s is better retried next interval. */
  timeoutMs?: number;
}

function isCommand(value: unknown): value is PendingCommand {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.id === 'string' && c.type === 'replay' && typeof c.requestedAt === 'number';
}

/**
 * @example
 * const sink = httpHeartbeatSink({ url: 'http://127.0.0.1:4400', key: process.env.NC_KEY ?? '' });
 */
export function httpHeartbeatSink(options: HttpHeartbeatSinkOptions): HeartbeatSink {
  const doFetch = options.fetch ?? fetch;
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/heartbeats`;
  return {
    async send(payload: HeartbeatPayload): Promise<HeartbeatResponse> {
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new HeartbeatDeliveryError(`Notification Centre unreachable at ${endpoint}`, null, {
          cause: error,
        });
      }
      const text = await response.text();
      if (!response.ok) {
        throw new HeartbeatDeliveryError(
          `Notification Centre answered ${response.status}: ${text.slice(0, 200)}`,
          response.status,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new HeartbeatDeliveryError('Notification Centre answered with invalid JSON', response.status, {
          cause: error,
        });
      }
      const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const commands = Array.isArray(record.commands) ? record.commands.filter(isCommand) : [];
      return { ok: true, status: typeof record.status === 'string' ? record.status : 'up', commands };
    },
  };
}

/** Posts finished record changes to `POST /api/events` straight away (the anatomy view without waiting a beat). */
export function httpEventSink(options: HttpHeartbeatSinkOptions): {
  send(integrationId: string, traces: TraceSummary[]): Promise<void>;
} {
  const doFetch = options.fetch ?? fetch;
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/events`;
  return {
    async send(integrationId, traces) {
      if (traces.length === 0) return;
      const body: EventsPayload = { v: 1, integrationId, traces: traces.slice(-100) };
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new HeartbeatDeliveryError(`Notification Centre unreachable at ${endpoint}`, null, {
          cause: error,
        });
      }
      if (!response.ok) {
        throw new HeartbeatDeliveryError(
          `Notification Centre answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
          response.status,
        );
      }
      await response.body?.cancel();
    },
  };
}

/** A sink that keeps what it was sent and answers with queued commands; for tests and dry runs. */
export function memoryHeartbeatSink(): HeartbeatSink & {
  sent: HeartbeatPayload[];
  commands: PendingCommand[];
  failNext: number;
} {
  const sink = {
    sent: [] as HeartbeatPayload[],
    commands: [] as PendingCommand[],
    failNext: 0,
    async send(payload: HeartbeatPayload): Promise<HeartbeatResponse> {
      if (sink.failNext > 0) {
        sink.failNext -= 1;
        throw new HeartbeatDeliveryError('simulated failure', 503);
      }
      sink.sent.push(payload);
      const done = new Set(payload.commandResults.map((r) => r.id));
      sink.commands = sink.commands.filter((c) => !done.has(c.id));
      return { ok: true, status: 'up', commands: [...sink.commands] };
    },
  };
  return sink;
}
