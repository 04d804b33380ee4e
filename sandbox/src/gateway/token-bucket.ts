/**
 * API Gateway's stage throttle is a token bucket: `rateLimit` tokens per second refill a bucket
 * of `burstLimit`. Kept here (not bottleneck) because the gateway must answer 429 at once, like
 * API Gateway, rather than queue the request.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Take one token; false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.ratePerSecond);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
