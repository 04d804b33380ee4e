/** The outbound family's one error: a call to HubSpot or the destination that did not succeed. */
import type { System } from '../mapping-store/types.ts';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly side: System;
  /** HTTP status, or 0 for a timeout / connection failure. */
  readonly status: number;
  /** 429, 5xx, timeouts and resets are worth another attempt; other 4xx are not. */
  readonly retryable: boolean;
  /** What the server asked us to wait, ms, when it said so. */
  readonly retryAfterMs: number | undefined;
  /** The provider's error code, e.g. RATE_LIMIT, MAX_COST_EXCEEDED, VALIDATION_FAILED. */
  readonly code: string | undefined;
  /** Attempts made when this was thrown by the retry policy. */
  attempts = 1;

  constructor(
    side: System,
    message: string,
    details: { status: number; retryable: boolean; retryAfterMs?: number; code?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.side = side;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.code = details.code;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}
