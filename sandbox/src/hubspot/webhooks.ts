/**
 * Webhook subscriptions, settings and delivery as HubSpot does them (REFERENCE.md §2): events batched
 * (< 100 a request), signed v3 (+ v1/v2 when configured), retried on 4xx/5xx/no answer within 5 s up to
 * 10 attempts with growing randomized delays, no ordering guarantee, a concurrency cap per account.
 */
import http from 'node:http';
import https from 'node:https';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import type { Change, WriteSource } from './crm.ts';
import { SINGULAR } from './properties.ts';
import { signatureHeaders } from './signing.ts';

export interface AppConfig {
  appId: number;
  clientSecret: string;
  accessToken: string;
  per10Seconds?: number;
  daily?: number;
  /** Also send the legacy X-HubSpot-Signature in this version (v3 is always sent). */
  legacySignature?: 'v1' | 'v2';
  /** Developer API key (`hapikey`) accepted for this app's webhook settings endpoints. */
  developerApiKey?: string;
}

export interface WebhookSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period: string };
  createdAt: string;
  updatedAt: string;
}

export interface Subscription {
  id: number;
  eventType: string;
  propertyName?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  sourceId: string;
  changeFlag?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

export interface DeliveryLogEntry {
  deliveryId: number;
  appId: number;
  url: string;
  attemptNumber: number;
  eventIds: number[];
  subscriptionTypes: string[];
  /** HTTP status, or undefined when there was no answer. */
  status?: number;
  error?: string;
  /** A copy sent by the duplicate-delivery fault. */
  duplicate: boolean;
  startedAt: number;
  durationMs: number;
  body: string;
}

export interface DeliveryOptions {
  /** Multiplies every retry delay: 1 is real time (about a day for 10 attempts), 0.0001 suits tests. */
  timeScale: number;
  /** An answer slower than this counts as no answer (HubSpot: 5 s). */
  timeoutMs: number;
  /** How long events collect before a batch is sent, in ms. */
  batchWindowMs: number;
  /** Events per request: HubSpot sends fewer than 100. */
  maxEventsPerRequest: number;
  /** Attempts in all, the first included (HubSpot: 10). */
  maxAttempts: number;
  /** First retry delay before jitter and scaling, in ms; each further retry doubles it. */
  baseRetryDelayMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeScale: 1,
  timeoutMs: 5_000,
  batchWindowMs: 20,
  maxEventsPerRequest: 99,
  maxAttempts: 10,
  // 3 min doubling over 9 retries ≈ 25 h in all, like HubSpot's "about a day".
  baseRetryDelayMs: 180_000,
};

const CHANGE_FLAGS: Partial<Record<Change['kind'], string>> = {
  creation: 'NEW',
  deletion: 'DELETED',
  merge: 'MERGED',
  restore: 'RESTORED',
  privacyDeletion: 'DELETED',
};

/** One request's worth of events to one app, not yet delivered; `dueAt` (epoch ms) when it waits for a retry. */
export interface Delivery {
  appId: number;
  events: WebhookEvent[];
  attemptNumber: number;
  dueAt?: number;
}

const agentHttp = new http.Agent({ keepAlive: true, maxSockets: 64 });
const agentHttps = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** What a state file keeps of webhooks: settings and subscriptions per app, and the id sequences. */
export interface WebhookState {
  nextSubscriptionId: number;
  nextEventId: number;
  settings: Array<[number, WebhookSettings]>;
  subscriptions: Array<[number, Subscription[]]>;
  /** Events not yet delivered (batched, in flight or waiting to retry); a restart resumes them. */
  undelivered?: Delivery[];
}

export class WebhookDispatcher {
  /** Called after settings or subscriptions change (the simulator's state file listens). */
  onChange: (() => void) | undefined;
  readonly options: DeliveryOptions;
  readonly portalId: number;
  #apps: (appId: number) => AppConfig | undefined;
  #faults: FaultInjector;
  #settings = new Map<number, WebhookSettings>();
  #subscriptions = new Map<number, Subscription[]>();
  #nextSubscriptionId = 100_001;
  #nextEventId = 1;
  #nextDeliveryId = 1;
  #pending = new Map<number, WebhookEvent[]>();
  #flushTimer: NodeJS.Timeout | undefined;
  #queue = new Map<number, Delivery[]>();
  #inFlight = new Map<number, number>();
  #retryTimers = new Set<NodeJS.Timeout>();
  /** Every delivery not yet answered with a 2xx or given up on (queued, in flight, waiting to retry). */
  #outstanding = new Set<Delivery>();
  #openRequests = new Set<http.ClientRequest>();
  #idleWaiters: Array<() => void> = [];
  #closed = false;
  readonly log: DeliveryLogEntry[] = [];
  /** Entries kept in the delivery log. */
  logLimit = 20_000;

  constructor(options: {
    portalId: number;
    apps: (appId: number) => AppConfig | undefined;
    delivery?: Partial<DeliveryOptions>;
    faults?: Partial<FaultConfig>;
  }) {
    this.portalId = options.portalId;
    this.#apps = options.apps;
    this.options = { ...DEFAULT_DELIVERY, ...options.delivery };
    this.#faults = new FaultInjector(webhookFaultConfig(options.faults ?? {}));
  }

  configureFaults(config: Partial<FaultConfig>): void {
    this.#faults.configure(webhookFaultConfig(config));
  }

  // ---- settings and subscriptions (GET|PUT /webhooks/v3/{appId}/settings, …/subscriptions) ----

  getSettings(appId: number): WebhookSettings | undefined {
    return this.#settings.get(appId);
  }

  putSettings(
    appId: number,
    input: { targetUrl: string; maxConcurrentRequests?: number },
    now: number,
  ): WebhookSettings {
    const existing = this.#settings.get(appId);
    const stamp = new Date(now).toISOString();
    const settings: WebhookSettings = {
      targetUrl: input.targetUrl,
      throttling: {
        maxConcurrentRequests:
          input.maxConcurrentRequests ?? existing?.throttling.maxConcurrentRequests ?? 10,
        period: 'SECONDLY',
      },
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
    this.#settings.set(appId, settings);
    this.#pump(appId);
    this.onChange?.();
    return settings;
  }

  deleteSettings(appId: number): void {
    this.#settings.delete(appId);
    this.onChange?.();
  }

  exportState(): WebhookState {
    const waiting = [...this.#pending].map(([appId, events]) => ({ appId, events, attemptNumber: 0 }));
    return {
      nextSubscriptionId: this.#nextSubscriptionId,
      nextEventId: this.#nextEventId,
      settings: [...this.#settings.entries()],
      subscriptions: [...this.#subscriptions.entries()],
      undelivered: [...waiting, ...this.#outstanding].map((d) => ({ ...d })),
    };
  }

  /** Replaces settings and subscriptions with saved ones (checked by the caller); ids are never reused. */
  importState(state: WebhookState): void {
    this.#settings = new Map(state.settings);
    this.#subscriptions = new Map(state.subscriptions);
    let next = state.nextSubscriptionId;
    for (const [, subs] of state.subscriptions) for (const sub of subs) next = Math.max(next, sub.id + 1);
    this.#nextSubscriptionId = next;
    this.#nextEventId = state.nextEventId;
    // HubSpot keeps retrying an undelivered event for about a day; a restart of this simulator must not end that.
    for (const saved of state.undelivered ?? []) {
      const delivery: Delivery = { ...saved };
      this.#outstanding.add(delivery);
      this.#later(delivery, Math.max(0, (saved.dueAt ?? 0) - Date.now()));
    }
  }

  /** Queues a delivery for its next attempt after `delayMs`. */
  #later(delivery: Delivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      const queue = this.#queue.get(delivery.appId) ?? [];
      queue.push(delivery);
      this.#queue.set(delivery.appId, queue);
      this.#pump(delivery.appId);
      this.#checkIdle();
    }, delayMs);
    this.#retryTimers.add(timer);
  }

  subscriptions(appId: number): Subscription[] {
    return this.#subscriptions.get(appId) ?? [];
  }

  subscribe(
    appId: number,
    input: { eventType: string; propertyName?: string; active?: boolean },
    now: number,
  ): Subscription {
    const stamp = new Date(now).toISOString();
    const sub: Subscription = {
      id: this.#nextSubscriptionId++,
      eventType: input.eventType,
      active: input.active ?? true,
      createdAt: stamp,
      updatedAt: stamp,
    };
    if (input.propertyName !== undefined) sub.propertyName = input.propertyName;
    this.#subscriptions.set(appId, [...this.subscriptions(appId), sub]);
    this.onChange?.();
    return sub;
  }

  updateSubscription(appId: number, id: number, active: boolean, now: number): Subscription | undefined {
    const sub = this.subscriptions(appId).find((s) => s.id === id);
    if (!sub) return undefined;
    sub.active = active;
    sub.updatedAt = new Date(now).toISOString();
    this.onChange?.();
    return sub;
  }

  unsubscribe(appId: number, id: number): boolean {
    const list = this.subscriptions(appId);
    const next = list.filter((s) => s.id !== id);
    this.#subscriptions.set(appId, next);
    if (next.length !== list.length) this.onChange?.();
    return next.length !== list.length;
  }

  /** Forget subscriptions, settings, queued events and the log (apps stay). */
  reset(): void {
    this.#settings.clear();
    this.#subscriptions.clear();
    this.#pending.clear();
    this.#queue.clear();
    this.#outstanding.clear();
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    this.log.length = 0;
    this.#checkIdle();
    this.onChange?.();
  }

  // ---- events ----

  /** The events each app's subscriptions turn these changes into. */
  #eventsFor(appId: number, changes: readonly Change[], source: WriteSource): WebhookEvent[] {
    const subs = this.subscriptions(appId).filter((s) => s.active);
    if (subs.length === 0) return [];
    const out: WebhookEvent[] = [];
    for (const change of changes) {
      const type = `${SINGULAR[change.objectType]}.${change.kind}`;
      for (const sub of subs) {
        if (sub.eventType !== type) continue;
        if (change.kind === 'propertyChange' && sub.propertyName !== change.propertyName) continue;
        const event: WebhookEvent = {
          eventId: this.#nextEventId++,
          subscriptionId: sub.id,
          portalId: this.portalId,
          appId,
          occurredAt: change.occurredAt,
          subscriptionType: type,
          attemptNumber: 0,
          objectId: change.objectId,
          changeSource: source.changeSource,
          sourceId: source.sourceId,
        };
        const flag = CHANGE_FLAGS[change.kind];
        if (flag) event.changeFlag = flag;
        if (change.propertyName !== undefined) event.propertyName = change.propertyName;
        if (change.propertyValue !== undefined) event.propertyValue = change.propertyValue;
        if (change.kind === 'merge') {
          if (change.primaryObjectId !== undefined) event.primaryObjectId = change.primaryObjectId;
          if (change.mergedObjectIds !== undefined) event.mergedObjectIds = change.mergedObjectIds;
          if (change.newObjectId !== undefined) event.newObjectId = change.newObjectId;
          if (change.numberOfPropertiesMoved !== undefined)
            event.numberOfPropertiesMoved = change.numberOfPropertiesMoved;
        }
        out.push(event);
      }
    }
    return out;
  }

  /**
   * Turns changes into events for every subscribed app. With `immediately` (the echo-before-response fault)
   * the first delivery attempt is made and awaited now; otherwise events wait for the batch window.
   */
  async emit(
    changes: readonly Change[],
    source: WriteSource,
    appIds: readonly number[],
    immediately = false,
  ): Promise<void> {
    if (this.#closed || changes.length === 0) return;
    const sends: Array<Promise<void>> = [];
    for (const appId of appIds) {
      const events = this.#eventsFor(appId, changes, source);
      if (events.length === 0) continue;
      if (immediately && this.#settings.has(appId)) {
        for (const batch of this.#batches(events)) {
          const delivery: Delivery = { appId, events: batch, attemptNumber: 0 };
          this.#outstanding.add(delivery);
          sends.push(this.#send(delivery));
        }
        continue;
      }
      const pending = this.#pending.get(appId);
      if (pending) pending.push(...events);
      else this.#pending.set(appId, events);
    }
    this.onChange?.(); // the events are part of the saved state until delivered
    if (this.#pending.size > 0 && !this.#flushTimer) {
      this.#flushTimer = setTimeout(() => this.#flush(), this.options.batchWindowMs);
    }
    await Promise.all(sends);
  }

  #batches(events: WebhookEvent[]): WebhookEvent[][] {
    const shuffled = this.#faults.maybeShuffle(events);
    const out: WebhookEvent[][] = [];
    for (let i = 0; i < shuffled.length; i += this.options.maxEventsPerRequest) {
      out.push(shuffled.slice(i, i + this.options.maxEventsPerRequest));
    }
    return this.#faults.maybeShuffle(out);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [appId, events] of pending) {
      if (!this.#settings.has(appId)) continue; // no target URL: HubSpot drops them
      const queue = this.#queue.get(appId) ?? [];
      for (const batch of this.#batches(events)) {
        const delivery: Delivery = { appId, events: batch, attemptNumber: 0 };
        this.#outstanding.add(delivery);
        queue.push(delivery);
      }
      this.#queue.set(appId, queue);
      this.#pump(appId);
    }
    this.#checkIdle();
  }

  #pump(appId: number): void {
    const settings = this.#settings.get(appId);
    const queue = this.#queue.get(appId);
    if (!settings || !queue) return;
    while (queue.length > 0 && (this.#inFlight.get(appId) ?? 0) < settings.throttling.maxConcurrentRequests) {
      const delivery = queue.shift();
      if (!delivery) break;
      this.#inFlight.set(appId, (this.#inFlight.get(appId) ?? 0) + 1);
      void this.#send(delivery).finally(() => {
        this.#inFlight.set(appId, (this.#inFlight.get(appId) ?? 1) - 1);
        this.#pump(appId);
        this.#checkIdle();
      });
    }
  }

  /** One attempt of one delivery, then (maybe) a duplicate copy and a scheduled retry. */
  async #send(delivery: Delivery): Promise<void> {
    const app = this.#apps(delivery.appId);
    const settings = this.#settings.get(delivery.appId);
    if (!app || !settings || this.#closed) return;
    const body = JSON.stringify(
      delivery.events.map((e) => ({ ...e, attemptNumber: delivery.attemptNumber })),
    );
    const ok = await this.#post(app, settings.targetUrl, body, delivery, false);
    if (this.#faults.duplicate()) await this.#post(app, settings.targetUrl, body, delivery, true);
    if (this.#closed) return; // stays outstanding: the final save keeps it for the next start
    this.#outstanding.delete(delivery);
    if (!ok && delivery.attemptNumber + 1 < this.options.maxAttempts) {
      const base = this.options.baseRetryDelayMs * 2 ** delivery.attemptNumber;
      const jitter = 0.5 + this.#faults.random();
      const delay = Math.max(0, Math.round(base * jitter * this.options.timeScale));
      const next: Delivery = {
        appId: delivery.appId,
        events: delivery.events,
        attemptNumber: delivery.attemptNumber + 1,
        dueAt: Date.now() + delay,
      };
      this.#outstanding.add(next);
      this.#later(next, delay);
    }
    this.onChange?.();
  }

  #post(app: AppConfig, url: string, body: string, delivery: Delivery, duplicate: boolean): Promise<boolean> {
    const startedAt = Date.now();
    const entry: DeliveryLogEntry = {
      deliveryId: this.#nextDeliveryId++,
      appId: app.appId,
      url,
      attemptNumber: delivery.attemptNumber,
      eventIds: delivery.events.map((e) => e.eventId),
      subscriptionTypes: [...new Set(delivery.events.map((e) => e.subscriptionType))],
      duplicate,
      startedAt,
      durationMs: 0,
      body,
    };
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        entry.error = `invalid target URL ${url}`;
        resolve(false);
        return;
      }
      const timestampMs = Date.now();
      const headers = {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent':
          'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client) - WebhooksExecutorDaemon-executor',
        ...signatureHeaders({
          clientSecret: app.clientSecret,
          method: 'POST',
          uri: url,
          rawBody: body,
          timestampMs,
          legacy: app.legacySignature,
        }),
      };
      const client = target.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (ok: boolean, status?: number, error?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#openRequests.delete(req);
        entry.durationMs = Date.now() - startedAt;
        if (status !== undefined) entry.status = status;
        if (error !== undefined) entry.error = error;
        resolve(ok);
      };
      const req = client.request(
        target,
        { method: 'POST', headers, agent: target.protocol === 'https:' ? agentHttps : agentHttp },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            finish(status >= 200 && status < 400, status);
          });
          res.on('error', (e) => finish(false, res.statusCode, e.message));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish(false, undefined, `no answer within ${this.options.timeoutMs} ms`);
      }, this.options.timeoutMs);
      this.#openRequests.add(req);
      req.on('error', (e) => finish(false, undefined, e.message));
      req.end(body);
    });
  }

  #busy(): boolean {
    if (this.#pending.size > 0 || this.#retryTimers.size > 0) return true;
    for (const q of this.#queue.values()) if (q.length > 0) return true;
    for (const n of this.#inFlight.values()) if (n > 0) return true;
    return false;
  }

  #checkIdle(): void {
    if (this.#busy()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is pending, queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(): void {
    this.#closed = true;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    for (const r of this.#openRequests) r.destroy();
    // Queued and batched events stay listed in the saved state (exportState) for the next start.
    for (const [appId, events] of this.#pending) this.#outstanding.add({ appId, events, attemptNumber: 0 });
    this.#pending.clear();
    this.#queue.clear();
    this.#inFlight.clear();
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Webhook faults draw from their own seeded sequence so API-request faults stay reproducible on their own. */
function webhookFaultConfig(config: Partial<FaultConfig>): Partial<FaultConfig> {
  return { ...config, seed: ((config.seed ?? 1) ^ 0x5bd1e995) >>> 0 };
}
