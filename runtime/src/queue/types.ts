/**
 * The work-queue and dead-letter contracts shared by the webhook edge (producer), pollers and the
 * worker (consumer). Adapters: SQS on AWS, a DynamoDB table locally (dynalite). Fields may be
 * added; none may be renamed — the worker codes against these names.
 */

/** JSON body of every work-queue message. */
export interface QueueEnvelope {
  v: 1;
  kind: 'hubspot-webhook' | 'destination-webhook' | 'poll' | 'replay';
  integration: string;
  traceId: string;
  /** When the edge accepted it, ms since the epoch. */
  receivedAt: number;
  /** Only non-secret headers the worker needs (content-type, webhook-id, timestamps). */
  headers: Record<string, string>;
  /** The raw, verified request body (or poll changes as JSON). */
  body: string;
}

export interface WorkQueue {
  send(envelope: QueueEnvelope): Promise<{ messageId: string }>;
  /**
   * Claims up to `max` visible messages, hiding each for `visibilityTimeoutMs`. `waitMs` long-polls
   * (SQS: up to 20 s; the table queue polls every 50 ms until something is visible or time is up).
   */
  receive(options: { max: number; visibilityTimeoutMs: number; waitMs?: number }): Promise<ReceivedMessage[]>;
  /** Deletes the message. A receipt from an earlier receive (the message was redelivered since) is a no-op, as on SQS. */
  ack(message: ReceivedMessage): Promise<void>;
  /** Makes the message visible again after `delayMs` (change visibility). */
  retryLater(message: ReceivedMessage, delayMs: number): Promise<void>;
  depth(): Promise<QueueDepth>;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  /** Age of the oldest message (by enqueue time), ms; null when empty or unknown (SQS exposes it only as a CloudWatch metric). */
  oldestAgeMs: number | null;
}

export interface ReceivedMessage {
  messageId: string;
  /** Opaque; valid for ack/retryLater until the message is received again. */
  receiptHandle: string;
  envelope: QueueEnvelope;
  /** 1 on the first delivery. */
  receiveCount: number;
}

export interface DeadLetter {
  id: string;
  integration: string;
  /** Why it is here, e.g. `malformed-body`, `retries-exhausted`, `validation-failed`. */
  reason: string;
  /** The envelope kind, or a worker-defined kind such as `outbound-write`. */
  kind: string;
  /** ms since the epoch. */
  failedAt: number;
  attempts: number;
  envelope: QueueEnvelope;
  recordId?: string;
}

export interface DeadLetterQueue {
  put(letter: Omit<DeadLetter, 'id'>): Promise<{ id: string }>;
  /** Oldest first. */
  list(options?: { integration?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Removing an id that is not there is a no-op. */
  remove(id: string): Promise<void>;
  oldestAgeMs(integration?: string): Promise<number | null>;
}

/** ms since the epoch; injected so tests control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
