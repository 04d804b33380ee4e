/**
 * Deterministic fault injection shared by every simulator: the same seed and the same sequence
 * of calls give the same faults, so a failing test can be replayed exactly.
 */

export interface FaultConfig {
  /** Seed of the pseudo-random sequence. */
  seed: number;
  /** Probability (0–1) that a request gets 429. */
  rate429: number;
  /** Retry hint sent with an injected 429, in ms: drawn uniformly from [min, max]. */
  retryAfterMs: { min: number; max: number };
  /** Probability of a 500/502/503. */
  rate5xx: number;
  /** Probability the server never answers (the client must time out). */
  rateTimeout: number;
  /** Probability the connection is reset (socket destroyed) before an answer. */
  rateReset: number;
  /** Added latency per request in ms, uniform in [min, max]. */
  latencyMs: { min: number; max: number };
  /** Probability that a webhook delivery is sent twice. */
  duplicateWebhookRate: number;
  /** Shuffle the order of webhook events / deliveries. */
  reorderWebhooks: boolean;
  /** Deliver the webhook caused by an API write before that write's HTTP response is sent. */
  echoBeforeResponse: boolean;
  /**
   * Shape of the added latency: `uniform` in [min, max] (the default), or `long-tail` — most requests
   * near `min`, a few near `max` (the uniform draw cubed), like a real API's p50 vs p99.
   */
  latencyDistribution?: 'uniform' | 'long-tail';
  /**
   * Share (0–1) of injected 5xx / timeouts / resets that strike after the request was processed: the write
   * happened but its answer is lost, which is what makes idempotency keys necessary. Default 0.
   */
  faultAfterProcessingRate?: number;
  /**
   * Probability (0–1) that an API write to a record races a "person in the UI" editing the same record;
   * the simulator applies that edit just before or just after the API write. Default 0.
   */
  concurrentEditRate?: number;
  /**
   * Restrict request faults (429 / 5xx / timeout / reset / latency) to these operations (names as in the
   * simulator's counters, e.g. `"mutation createAttendee"`, `"POST /jobs"`). Absent = every API request.
   */
  operations?: string[];
}

export type FaultKind = 'none' | '429' | '5xx' | 'timeout' | 'reset';

export interface FaultDecision {
  kind: FaultKind;
  /** Latency to add before answering, in ms. */
  delayMs: number;
  /** For 429: the retry hint in ms. */
  retryAfterMs: number;
  /** For 5xx: which status. */
  status: number;
  /** For 5xx / timeout / reset: whether the request is processed first (`after`) and only its answer lost. */
  phase: 'before' | 'after';
}

export const NO_FAULTS: FaultConfig = {
  seed: 1,
  rate429: 0,
  retryAfterMs: { min: 100, max: 1000 },
  rate5xx: 0,
  rateTimeout: 0,
  rateReset: 0,
  latencyMs: { min: 0, max: 0 },
  duplicateWebhookRate: 0,
  reorderWebhooks: false,
  echoBeforeResponse: false,
};

/** mulberry32: a tiny, well-distributed 32-bit PRNG; enough for test faults, never for crypto. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of the second stream, which feeds the draws added after `next()`'s original four. */
function auxSeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}

export class FaultInjector {
  #config: FaultConfig;
  #random: () => number;
  // A second seeded stream for later additions (phase, concurrent edits), so `next()` keeps drawing exactly
  // the sequence it always drew and existing seeds reproduce the same 429/5xx/timeout/reset pattern.
  #aux: () => number;

  constructor(config: Partial<FaultConfig> = {}) {
    this.#config = { ...NO_FAULTS, ...config };
    this.#random = seededRandom(this.#config.seed);
    this.#aux = seededRandom(auxSeed(this.#config.seed));
  }

  get config(): FaultConfig {
    return this.#config;
  }

  /** Replace the configuration (and restart the sequence from its seed). */
  configure(config: Partial<FaultConfig>): void {
    this.#config = { ...NO_FAULTS, ...config };
    this.#random = seededRandom(this.#config.seed);
    this.#aux = seededRandom(auxSeed(this.#config.seed));
  }

  /** Whether request faults apply to `operation` (see `FaultConfig.operations`). Draws nothing. */
  appliesTo(operation: string): boolean {
    const only = this.#config.operations;
    return only === undefined || only.includes(operation);
  }

  /** Whether any request fault or latency is configured at all (lets simulators skip the draw cheaply). */
  get active(): boolean {
    const c = this.#config;
    return c.rate429 + c.rate5xx + c.rateTimeout + c.rateReset > 0 || c.latencyMs.max > 0;
  }

  /** Draw a number in [0, 1) from the seeded sequence. */
  random(): number {
    return this.#random();
  }

  /** Decide the fate of the next request. Always draws the same number of values per call. */
  next(): FaultDecision {
    const c = this.#config;
    const roll = this.#random();
    const latency = this.#random();
    const hint = this.#random();
    const statusRoll = this.#random();
    const shaped = c.latencyDistribution === 'long-tail' ? latency ** 3 : latency;
    const delayMs = Math.round(c.latencyMs.min + shaped * (c.latencyMs.max - c.latencyMs.min));
    const retryAfterMs = Math.round(c.retryAfterMs.min + hint * (c.retryAfterMs.max - c.retryAfterMs.min));
    const status = [500, 502, 503][Math.floor(statusRoll * 3)] ?? 500;
    // Cumulative thresholds: [0, rate429) → 429, then 5xx, timeout, reset.
    const thresholds: Array<[FaultKind, number]> = [
      ['429', c.rate429],
      ['5xx', c.rate5xx],
      ['timeout', c.rateTimeout],
      ['reset', c.rateReset],
    ];
    let kind: FaultKind = 'none';
    let edge = 0;
    for (const [candidate, rate] of thresholds) {
      edge += rate;
      if (roll < edge) {
        kind = candidate;
        break;
      }
    }
    const phase = this.#aux() < (c.faultAfterProcessingRate ?? 0) ? 'after' : 'before';
    return { kind, delayMs, retryAfterMs, status, phase };
  }

  /**
   * Whether this API write races a UI edit of the same record, and on which side of the write it lands.
   * Always draws two values from the second stream.
   */
  concurrentEdit(): 'before' | 'after' | null {
    const hit = this.#aux();
    const side = this.#aux();
    if (hit >= (this.#config.concurrentEditRate ?? 0)) return null;
    return side < 0.5 ? 'before' : 'after';
  }

  /** Whether a webhook delivery should be duplicated. */
  duplicate(): boolean {
    return this.#random() < this.#config.duplicateWebhookRate;
  }

  /** Fisher–Yates shuffle with the seeded sequence when reordering is on; otherwise a copy. */
  maybeShuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    if (!this.#config.reorderWebhooks) return out;
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

export { FaultConfigError, parseFaultConfig } from './parse.ts';
