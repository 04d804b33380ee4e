// Delivers signed webhooks like a real sender: retries with growing delays, timeouts, duplicates, reordering.
import { randomUUID } from 'node:crypto';
import type { FaultInjector } from '../faults/index.ts';

export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
}

/** One event to deliver; `headers` is called per attempt so signatures carry that attempt's timestamp. */
export interface OutgoingWebhook {
  eventId: string;
  type: string;
  body: string;
  headers(subscription: WebhookSubscription, attempt: number, nowMs: number): Record<string, string>;
}

export interface DeliveryAttempt {
  subscriptionId: string;
  url: string;
  eventId: string;
  type: string;
  /** 1-based; a duplicate carries the number of the attempt it repeats. */
  attempt: number;
  duplicate: boolean;
  /** HTTP status, or null when there was no answer (timeout, refused, reset). */
  status: number | null;
  error: string | null;
  startedAt: string;
  durationMs: number;
  /** Delay (real ms, after time compression) before the next attempt; null when none follows. */
  nextAttemptInMs: number | null;
  /** True on the last failed attempt: the sender gives up on this event. */
  exhausted: boolean;
}

export interface DispatcherOptions {
  /** Delays before attempts 2, 3, …, in ms of simulated time; its length + 1 is the attempt limit. */
  retryDelaysMs: number[];
  /** Divides every retry delay (1 = real time, 1000 = a 5-minute delay takes 300 ms). */
  timeCompression: number;
  /** An attempt without an answer within this many ms (real time) counts as failed. */
  timeoutMs: number;
  /** When the injector asks for reordering, events are held this long (ms) and then sent shuffled. */
  reorderWindowMs: number;
  /** Keep at most this many attempts in the log (oldest dropped). */
  logLimit: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  retryDelaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  timeCompression: 1,
  timeoutMs: 15_000,
  reorderWindowMs: 25,
  logLimit: 5_000,
};

interface Pending {
  subscription: WebhookSubscription;
  message: OutgoingWebhook;
  done: () => void;
  generation: number;
}

/**
 * An event not yet delivered to one subscription, as a state file keeps it: the next attempt's number and when
 * it is due (epoch ms; absent = as soon as possible). A restart resumes it, as a real sender's queue would.
 */
export interface UndeliveredWebhook {
  subscriptionId: string;
  eventId: string;
  type: string;
  body: string;
  attempt: number;
  dueAt?: number;
}

/**
 * Sends each event to each subscription, one POST per event. First attempts go out in order per
 * subscription (unless the injector reorders them); retries run on their own timers, so a retried event
 * can arrive after later ones, as with real senders.
 */
export class WebhookDispatcher {
  #options: DispatcherOptions;
  #faults: FaultInjector;
  #now: () => number;
  #log: DeliveryAttempt[] = [];
  #chains = new Map<string, Promise<void>>();
  #buffer: Pending[] = [];
  #bufferTimer: ReturnType<typeof setTimeout> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #busy = 0;
  #idleWaiters: Array<() => void> = [];
  #stopped = false;
  /** Bumped by cancelPending: attempts from an older generation neither retry nor touch the counts. */
  #generation = 0;
  /** Events not yet delivered (or given up on), per subscription and event id — what `undelivered()` reports. */
  #outbox = new Map<string, UndeliveredWebhook>();
  /** Called when the set of undelivered events changes (the simulator's state file listens). */
  onChange: (() => void) | undefined;

  constructor(faults: FaultInjector, options: Partial<DispatcherOptions> = {}, now: () => number = Date.now) {
    this.#faults = faults;
    this.#options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
    this.#now = now;
  }

  get options(): DispatcherOptions {
    return this.#options;
  }

  configure(options: Partial<DispatcherOptions>): void {
    this.#options = { ...this.#options, ...options };
  }

  /**
   * Queues one event for every subscription; resolves once each first attempt has been answered or failed.
   * The event is in `undelivered()` at once; with `after`, its first attempt waits for that promise (a
   * simulator records the event, saves, answers the API call, then lets the webhook go).
   */
  dispatch(
    subscriptions: readonly WebhookSubscription[],
    message: OutgoingWebhook,
    options: { after?: Promise<unknown> } = {},
  ): Promise<void> {
    if (this.#stopped || subscriptions.length === 0) return Promise.resolve();
    for (const subscription of subscriptions) {
      this.#outbox.set(outboxKey(subscription.id, message.eventId), {
        subscriptionId: subscription.id,
        eventId: message.eventId,
        type: message.type,
        body: message.body,
        attempt: 1,
      });
    }
    this.onChange?.();
    const firsts = subscriptions.map(
      (subscription) =>
        new Promise<void>((done) => {
          this.#busy += 1;
          const pending: Pending = { subscription, message, done, generation: this.#generation };
          const go = () => {
            if (this.#faults.config.reorderWebhooks) this.#hold(pending);
            else this.#enqueue(pending);
          };
          if (options.after) void options.after.then(go, go);
          else go();
        }),
    );
    return Promise.all(firsts).then(() => undefined);
  }

  /** Events not yet delivered, for a state file. */
  undelivered(): UndeliveredWebhook[] {
    return [...this.#outbox.values()].map((entry) => ({ ...entry }));
  }

  /**
   * Resumes events a previous run had not delivered: each goes to its subscription (when it still exists) at
   * its due time, with its attempt number, rebuilt into a message (signed per attempt) by `rebuild`.
   */
  resume(
    saved: readonly UndeliveredWebhook[],
    subscriptions: readonly WebhookSubscription[],
    rebuild: (saved: UndeliveredWebhook) => OutgoingWebhook,
  ): void {
    for (const entry of saved) {
      const subscription = subscriptions.find((s) => s.id === entry.subscriptionId);
      if (!subscription) continue; // the subscription is gone: nothing to deliver to
      const message = rebuild(entry);
      this.#outbox.set(outboxKey(subscription.id, entry.eventId), { ...entry });
      this.#busy += 1;
      const delay = Math.max(0, (entry.dueAt ?? 0) - this.#now());
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#attempt(subscription, message, entry.attempt, false).then((ok) => {
          if (ok) this.#release();
        });
      }, delay);
      this.#timers.add(timer);
    }
    this.onChange?.();
  }

  /** Resolves when nothing is queued, in flight or waiting to retry (or after `timeoutMs`). */
  idle(timeoutMs = 10_000): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Attempts so far, oldest first. */
  log(): DeliveryAttempt[] {
    return [...this.#log];
  }

  clearLog(): void {
    this.#log = [];
  }

  /** Cancels every queued retry and stops sending (close); `undelivered()` still lists what was not delivered. */
  stop(): void {
    this.#stopped = true;
    this.#cancelAll();
  }

  /** Drops queued work (pending retries, held events, the undelivered list) but keeps the dispatcher usable (reset). */
  cancelPending(): void {
    this.#outbox.clear();
    this.#cancelAll();
    this.onChange?.();
  }

  #cancelAll(): void {
    this.#generation += 1;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#bufferTimer) clearTimeout(this.#bufferTimer);
    this.#bufferTimer = undefined;
    for (const pending of this.#buffer) pending.done();
    this.#buffer = [];
    this.#busy = 0;
    this.#chains.clear();
    this.#settleIdle();
  }

  #hold(pending: Pending): void {
    this.#buffer.push(pending);
    if (this.#bufferTimer) return;
    this.#bufferTimer = setTimeout(() => {
      this.#bufferTimer = undefined;
      const batch = this.#faults.maybeShuffle(this.#buffer);
      this.#buffer = [];
      for (const item of batch) this.#enqueue(item);
    }, this.#options.reorderWindowMs);
  }

  #enqueue(pending: Pending): void {
    const key = pending.subscription.id;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#first(pending));
    this.#chains.set(key, next);
  }

  async #first(pending: Pending): Promise<void> {
    if (pending.generation !== this.#generation) return pending.done();
    const ok = await this.#attempt(pending.subscription, pending.message, 1, false);
    pending.done();
    if (ok && this.#faults.duplicate()) {
      // A sender that lost our 200 (or a replaying queue) sends the same event id again.
      this.#busy += 1;
      await this.#attempt(pending.subscription, pending.message, 1, true);
      this.#release();
    }
    if (ok) this.#release();
  }

  /** One POST; on failure schedules the next attempt. Returns whether it succeeded (2xx). */
  async #attempt(
    subscription: WebhookSubscription,
    message: OutgoingWebhook,
    attempt: number,
    duplicate: boolean,
  ): Promise<boolean> {
    if (this.#stopped) return false;
    const generation = this.#generation;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(subscription.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kongo-simulator-webhooks/1',
          ...message.headers(subscription, attempt, this.#now()),
        },
        body: message.body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
    const ok = status !== null && status >= 200 && status < 300;
    // Cancelled while in flight (reset): log nothing more, schedule nothing, leave the counts alone.
    if (generation !== this.#generation) return false;
    const delays = this.#options.retryDelaysMs;
    const retry = !ok && !duplicate && attempt <= delays.length;
    const nextAttemptInMs = retry
      ? Math.round((delays[attempt - 1] ?? 0) / Math.max(1, this.#options.timeCompression))
      : null;
    if (!duplicate) {
      const key = outboxKey(subscription.id, message.eventId);
      if (retry && nextAttemptInMs !== null) {
        const entry = this.#outbox.get(key);
        if (entry) {
          entry.attempt = attempt + 1;
          entry.dueAt = this.#now() + nextAttemptInMs;
        }
      } else {
        this.#outbox.delete(key); // delivered, or given up on
      }
      this.onChange?.();
    }
    this.#record({
      subscriptionId: subscription.id,
      url: subscription.url,
      eventId: message.eventId,
      type: message.type,
      attempt,
      duplicate,
      status,
      error,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      nextAttemptInMs,
      exhausted: !ok && !duplicate && !retry,
    });
    if (retry && nextAttemptInMs !== null && !this.#stopped) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        // Success releases here; a final failure released itself inside #attempt.
        void this.#attempt(subscription, message, attempt + 1, false).then((later) => {
          if (later) this.#release();
        });
      }, nextAttemptInMs);
      this.#timers.add(timer);
    } else if (!ok && !duplicate) {
      this.#release();
    }
    return ok;
  }

  #record(entry: DeliveryAttempt): void {
    this.#log.push(entry);
    if (this.#log.length > this.#options.logLimit)
      this.#log.splice(0, this.#log.length - this.#options.logLimit);
  }

  #release(): void {
    this.#busy = Math.max(0, this.#busy - 1);
    this.#settleIdle();
  }

  #settleIdle(): void {
    if (this.#busy !== 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function outboxKey(subscriptionId: string, eventId: string): string {
  return `${subscriptionId}\u0000${eventId}`;
}

/** A fresh event id with the given prefix (`msg_`, `evt_`): unique across restarts, so receivers can dedupe. */
export function newEventId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '')}`;
}
