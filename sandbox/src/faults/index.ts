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

export class FaultInjector {
  #config: FaultConfig;
  #random: () => number;

  constructor(config: Partial<FaultConfig> = {}) {
    this.#config = { ...NO_FAULTS, ...config };
    this.#random = seededRandom(this.#config.seed);
  }

  get config(): FaultConfig {
    return this.#config;
  }

  /** Replace the configuration (and restart the sequence from its seed). */
  configure(config: Partial<FaultConfig>): void {
    this.#config = { ...NO_FAULTS, ...config };
    this.#random = seededRandom(this.#config.seed);
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
    const delayMs = Math.round(c.latencyMs.min + latency * (c.latencyMs.max - c.latencyMs.min));
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
    return { kind, delayMs, retryAfterMs, status };
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
