/**
 * Posts finished record changes to the Notification Centre as they finish, batched and best-effort, so the
 * anatomy view is live instead of a heartbeat behind. It never slows or fails the pipeline: traces wait in a
 * bounded queue, a timer (or an explicit `flush()`) sends them ≤ 100 per POST, one POST at a time.
 *
 * A post that fails is dropped and counted, not retried: the same traces stay in the logger's pending ring
 * and ride on the next heartbeat (the centre files a trace once however often it arrives), so a retry here
 * would only add load to a centre that is already struggling.
 */
import type { IntegrationLogger } from './logger.ts';
import type { TraceSummary } from './types.ts';

/** Thrown by a `send` that has nowhere to send to (no centre URL or key configured): counted, not logged. */
export class TraceShipperNotConfigured extends Error {
  override readonly name = 'TraceShipperNotConfigured';
}

export interface TraceShipperOptions {
  /** Posts one batch (≤ `maxBatch` traces), e.g. an `httpEventSink`'s `send`. Throwing drops the batch. */
  send(traces: TraceSummary[]): Promise<void>;
  /** How long the first trace of a batch waits for company, ms. Default 200. */
  batchMs?: number;
  /** Traces per POST. Default 100 (the centre's limit). */
  maxBatch?: number;
  /** Traces waiting at most; beyond it the oldest are dropped (and counted). Default 1000. */
  maxQueued?: number;
  /** Where a failed post is logged (once per run of failures, not per batch). */
  log?: IntegrationLogger;
}

export interface TraceShipperStats {
  /** Traces the centre accepted. */
  posted: number;
  /** POSTs made (successful or not). */
  posts: number;
  /** Traces dropped because their post failed (they still go out with the next heartbeat). */
  dropped: number;
  /** Traces dropped because no centre was configured. */
  unconfigured: number;
  /** Traces dropped because the queue was full. */
  overflowed: number;
  /** Traces waiting now. */
  queued: number;
}

export interface TraceShipper {
  /** Queues a finished trace; a post follows within `batchMs`. Never throws, never waits. */
  add(trace: TraceSummary): void;
  /** Posts everything queued now (and waits for a post in flight). Never throws. */
  flush(): Promise<void>;
  stats(): TraceShipperStats;
  /** Stops the timer and posts what is left (best-effort). */
  close(): Promise<void>;
}

/**
 * @example
 * const events = httpEventSink({ url, key });
 * const shipper = createTraceShipper({ send: (traces) => events.send(integrationId, traces), log });
 * const unsubscribe = log.onTrace((trace) => shipper.add(trace));
 */
export function createTraceShipper(options: TraceShipperOptions): TraceShipper {
  const batchMs = options.batchMs ?? 200;
  const maxBatch = Math.max(1, Math.min(options.maxBatch ?? 100, 100));
  const maxQueued = Math.max(maxBatch, options.maxQueued ?? 1000);
  const queue: TraceSummary[] = [];
  const stats = { posted: 0, posts: 0, dropped: 0, unconfigured: 0, overflowed: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | null = null;
  let failing = false;
  let closed = false;

  const postOne = async (batch: TraceSummary[]): Promise<void> => {
    stats.posts += 1;
    try {
      await options.send(batch);
      stats.posted += batch.length;
      if (failing) options.log?.info('trace posts reach the Notification Centre again');
      failing = false;
    } catch (error) {
      if (error instanceof TraceShipperNotConfigured) {
        stats.unconfigured += batch.length;
        return;
      }
      stats.dropped += batch.length;
      if (!failing) {
        options.log?.warn('trace post failed; traces follow with the next heartbeat', {
          count: batch.length,
          reason: error instanceof Error ? error.message : 'send failed',
          errorName: error instanceof Error ? error.name : 'unknown',
        });
      }
      failing = true;
    }
  };

  const drainQueue = async (): Promise<void> => {
    while (queue.length > 0) await postOne(queue.splice(0, maxBatch));
  };

  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    // One post at a time: a second flush waits for the first, then sends what arrived meanwhile.
    while (inFlight) await inFlight;
    if (queue.length === 0) return;
    inFlight = drainQueue().finally(() => {
      inFlight = null;
    });
    await inFlight;
  };

  const schedule = (): void => {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, batchMs);
    timer.unref?.();
  };

  return {
    add(trace) {
      queue.push(trace);
      if (queue.length > maxQueued) stats.overflowed += queue.splice(0, queue.length - maxQueued).length;
      if (queue.length >= maxBatch && !inFlight) void flush();
      else schedule();
    },
    flush,
    stats: () => ({ ...stats, queued: queue.length }),
    async close() {
      closed = true;
      await flush();
    },
  };
}
