/** In-memory `NcStore`: for tests and a throwaway local run. State is copied in and out, like a real store. */
import { StateConflictError } from '../errors.ts';
import type {
  ClientRecord,
  IntegrationRecord,
  IntegrationState,
  MinuteBucket,
  MinuteDelta,
  TraceSummary,
} from '../types.ts';
import { MINUTES_KEPT_MS, type NcStore, TRACES_KEPT_MS } from './types.ts';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryNcStore implements NcStore {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly integrations = new Map<string, IntegrationRecord>();
  private readonly states = new Map<string, IntegrationState>();
  private readonly minutes = new Map<string, Map<number, MinuteBucket>>();
  private readonly beatsFiled = new Set<string>();
  private readonly traces = new Map<string, Array<{ trace: TraceSummary; expiresAt: number }>>();

  async putClient(client: ClientRecord): Promise<void> {
    this.clients.set(client.slug, copy(client));
  }
  async getClient(slug: string): Promise<ClientRecord | null> {
    const client = this.clients.get(slug);
    return client ? copy(client) : null;
  }
  async listClients(): Promise<ClientRecord[]> {
    return [...this.clients.values()].map(copy).sort((a, b) => a.slug.localeCompare(b.slug));
  }

  async putIntegration(integration: IntegrationRecord): Promise<void> {
    this.integrations.set(integration.id, copy(integration));
  }
  async getIntegration(id: string): Promise<IntegrationRecord | null> {
    const found = this.integrations.get(id);
    return found ? copy(found) : null;
  }
  async listIntegrations(): Promise<IntegrationRecord[]> {
    return [...this.integrations.values()].map(copy).sort((a, b) => a.id.localeCompare(b.id));
  }

  async getState(id: string): Promise<IntegrationState | null> {
    const state = this.states.get(id);
    return state ? copy(state) : null;
  }
  async putState(state: IntegrationState, expectedVersion: number | null): Promise<void> {
    const current = this.states.get(state.id);
    const currentVersion = current ? current.version : null;
    if (currentVersion !== expectedVersion) throw new StateConflictError(state.id);
    this.states.set(state.id, { ...copy(state), version: (expectedVersion ?? 0) + 1 });
  }

  async addToMinute(id: string, minute: number, delta: MinuteDelta, beatId?: string): Promise<void> {
    if (beatId !== undefined) {
      const key = `${id}#${minute}#${beatId}`;
      if (this.beatsFiled.has(key)) return;
      this.beatsFiled.add(key);
    }
    const buckets = this.minutes.get(id) ?? new Map<number, MinuteBucket>();
    this.minutes.set(id, buckets);
    const bucket = buckets.get(minute) ?? { minute, events: 0, errors: 0, unauthorised: 0, byKind: {} };
    bucket.events += delta.events;
    bucket.errors += delta.errors;
    bucket.unauthorised += delta.unauthorised;
    for (const [kind, n] of Object.entries(delta.byKind))
      bucket.byKind[kind] = (bucket.byKind[kind] ?? 0) + n;
    buckets.set(minute, bucket);
    for (const old of buckets.keys()) if (old < minute - MINUTES_KEPT_MS) buckets.delete(old);
  }
  async listMinutes(id: string, fromMinute: number): Promise<MinuteBucket[]> {
    return [...(this.minutes.get(id)?.values() ?? [])]
      .filter((b) => b.minute >= fromMinute)
      .sort((a, b) => a.minute - b.minute)
      .map(copy);
  }

  async putTraces(id: string, traces: TraceSummary[], now: number): Promise<void> {
    // Keyed like the DynamoDB item (startedAt + traceId), so a trace sent twice is filed once.
    const key = (t: TraceSummary): string => `${t.startedAt}#${t.traceId}`;
    const incoming = new Set(traces.map(key));
    const list = (this.traces.get(id) ?? []).filter((t) => t.expiresAt > now && !incoming.has(key(t.trace)));
    const unique = new Map(traces.map((t) => [key(t), t]));
    for (const trace of unique.values()) list.push({ trace: copy(trace), expiresAt: now + TRACES_KEPT_MS });
    list.sort((a, b) => a.trace.startedAt - b.trace.startedAt);
    this.traces.set(id, list.slice(-1000));
  }
  async listTraces(id: string, limit: number, now: number): Promise<TraceSummary[]> {
    return (this.traces.get(id) ?? [])
      .filter((t) => t.expiresAt > now)
      .slice(-limit)
      .reverse()
      .map((t) => copy(t.trace));
  }
}
