/**
 * The contract every WorkQueue and DeadLetterQueue adapter must pass (Hono-style shared suite).
 * An adapter's test calls `workQueueContract(name, makeFixture)` / `deadLetterQueueContract(…)`.
 */
import { describe, expect, it } from 'vitest';
import type { Clock, DeadLetter, DeadLetterQueue, QueueEnvelope, WorkQueue } from './types.ts';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = 1_700_000_000_000) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface WorkQueueFixture {
  /** A fresh, empty queue whose visibility runs on `clock`. */
  queue: WorkQueue;
  /**
   * false for adapters that cannot know the oldest message's age (SQS exposes it only as a
   * CloudWatch metric): `depth().oldestAgeMs` must then be null. @default true
   */
  reportsOldestAge?: boolean;
  /** Another adapter instance over the same store: a second consumer, or the process after a restart. */
  reopen(): WorkQueue;
  clock: ManualClock;
}

export interface DeadLetterFixture {
  deadLetters: DeadLetterQueue;
  reopen(): DeadLetterQueue;
  clock: ManualClock;
}

export function envelope(n: number, integration = 'acme-attendees'): QueueEnvelope {
  return {
    v: 1,
    kind: 'hubspot-webhook',
    integration,
    traceId: `trace-${n}`,
    receivedAt: 1_700_000_000_000 + n,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ eventId: n, note: 'ünïcødé ✓' }]),
  };
}

export function workQueueContract(name: string, makeFixture: () => Promise<WorkQueueFixture>): void {
  const VIS = 30_000;

  describe(`WorkQueue contract: ${name}`, () => {
    it('delivers a sent envelope intact, with receiveCount 1', async () => {
      const { queue } = await makeFixture();
      const { messageId } = await queue.send(envelope(1));
      const [message, ...rest] = await queue.receive({ max: 10, visibilityTimeoutMs: VIS });
      expect(rest).toEqual([]);
      expect(message?.messageId).toBe(messageId);
      expect(message?.envelope).toEqual(envelope(1));
      expect(message?.receiveCount).toBe(1);
    });

    it('returns nothing from an empty queue and reports zero depth', async () => {
      const { queue } = await makeFixture();
      expect(await queue.receive({ max: 5, visibilityTimeoutMs: VIS })).toEqual([]);
      expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, oldestAgeMs: null });
    });

    it('hands out messages oldest first and no more than max', async () => {
      const { queue, clock } = await makeFixture();
      for (let n = 1; n <= 5; n++) {
        await queue.send(envelope(n));
        clock.advance(1);
      }
      const first = await queue.receive({ max: 3, visibilityTimeoutMs: VIS });
      expect(first.map((m) => m.envelope.traceId)).toEqual(['trace-1', 'trace-2', 'trace-3']);
      const second = await queue.receive({ max: 3, visibilityTimeoutMs: VIS });
      expect(second.map((m) => m.envelope.traceId)).toEqual(['trace-4', 'trace-5']);
    });

    it('hides a received message until its visibility timeout passes, then redelivers it', async () => {
      const { queue, clock } = await makeFixture();
      await queue.send(envelope(1));
      await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      clock.advance(VIS - 1);
      expect(await queue.receive({ max: 1, visibilityTimeoutMs: VIS })).toEqual([]);
      clock.advance(1);
      const [again] = await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      expect(again?.envelope.traceId).toBe('trace-1');
      expect(again?.receiveCount).toBe(2);
    });

    it('never redelivers an acked message', async () => {
      const { queue, clock } = await makeFixture();
      await queue.send(envelope(1));
      const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      if (!message) throw new Error('expected a message');
      await queue.ack(message);
      clock.advance(VIS * 2);
      expect(await queue.receive({ max: 1, visibilityTimeoutMs: VIS })).toEqual([]);
      expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, oldestAgeMs: null });
    });

    it('ignores a stale receipt once the message was redelivered to another consumer', async () => {
      const { queue, reopen, clock } = await makeFixture();
      await queue.send(envelope(1));
      const [first] = await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      clock.advance(VIS);
      const other = reopen();
      const [second] = await other.receive({ max: 1, visibilityTimeoutMs: VIS });
      if (!first || !second) throw new Error('expected two deliveries');
      await queue.ack(first); // the slow consumer finishes late
      expect(await other.depth()).toMatchObject({ inFlight: 1 });
      await other.ack(second);
      expect(await other.depth()).toMatchObject({ visible: 0, inFlight: 0 });
    });

    it('makes a message visible again after retryLater’s delay', async () => {
      const { queue, clock } = await makeFixture();
      await queue.send(envelope(1));
      const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      if (!message) throw new Error('expected a message');
      await queue.retryLater(message, 2_000);
      clock.advance(1_999);
      expect(await queue.receive({ max: 1, visibilityTimeoutMs: VIS })).toEqual([]);
      clock.advance(1);
      const [again] = await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      expect(again?.receiveCount).toBe(2);
    });

    it('counts visible and in-flight messages and the age of the oldest', async () => {
      const { queue, clock, reportsOldestAge } = await makeFixture();
      await queue.send(envelope(1));
      clock.advance(1_000);
      await queue.send(envelope(2));
      await queue.send(envelope(3));
      await queue.receive({ max: 1, visibilityTimeoutMs: VIS });
      clock.advance(500);
      expect(await queue.depth()).toEqual({
        visible: 2,
        inFlight: 1,
        oldestAgeMs: reportsOldestAge === false ? null : 1_500,
      });
    });

    it('gives one message to exactly one of two racing consumers', async () => {
      const { queue, reopen } = await makeFixture();
      await queue.send(envelope(1));
      const consumers = [queue, reopen(), reopen(), reopen()];
      const results = await Promise.all(
        consumers.map((q) => q.receive({ max: 1, visibilityTimeoutMs: VIS })),
      );
      expect(results.flat()).toHaveLength(1);
    });

    it('splits a backlog between racing consumers without duplicates', async () => {
      const { queue, reopen } = await makeFixture();
      for (let n = 1; n <= 12; n++) await queue.send(envelope(n));
      const results = await Promise.all(
        [queue, reopen(), reopen()].map((q) => q.receive({ max: 12, visibilityTimeoutMs: VIS })),
      );
      const ids = results.flat().map((m) => m.envelope.traceId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(12);
    });

    it('keeps messages across a restart (a new adapter instance on the same store)', async () => {
      const { queue, reopen } = await makeFixture();
      await queue.send(envelope(1));
      await queue.send(envelope(2));
      const restarted = reopen();
      const received = await restarted.receive({ max: 10, visibilityTimeoutMs: VIS });
      expect(received.map((m) => m.envelope.traceId).sort()).toEqual(['trace-1', 'trace-2']);
    });

    it('long-polls: a receive with waitMs picks up a message sent while it waits', async () => {
      const { queue, reopen } = await makeFixture();
      const waiting = queue.receive({ max: 1, visibilityTimeoutMs: VIS, waitMs: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await reopen().send(envelope(7));
      const [message] = await waiting;
      expect(message?.envelope.traceId).toBe('trace-7');
    });
  });
}

export function deadLetterQueueContract(name: string, makeFixture: () => Promise<DeadLetterFixture>): void {
  function letter(n: number, integration: string, failedAt: number): Omit<DeadLetter, 'id'> {
    return {
      integration,
      reason: 'malformed-body',
      kind: 'hubspot-webhook',
      failedAt,
      attempts: n,
      envelope: envelope(n, integration),
    };
  }

  describe(`DeadLetterQueue contract: ${name}`, () => {
    it('stores a dead letter and lists it back with its id', async () => {
      const { deadLetters, clock } = await makeFixture();
      const { id } = await deadLetters.put({ ...letter(1, 'a-int', clock.now()), recordId: 'rec-1' });
      expect(await deadLetters.list()).toEqual([
        { id, ...letter(1, 'a-int', clock.now()), recordId: 'rec-1' },
      ]);
    });

    it('lists oldest first, filtered by integration and limited', async () => {
      const { deadLetters, clock } = await makeFixture();
      const t = clock.now();
      await deadLetters.put(letter(3, 'a-int', t - 1_000));
      await deadLetters.put(letter(1, 'a-int', t - 3_000));
      await deadLetters.put(letter(2, 'b-int', t - 2_000));
      expect((await deadLetters.list()).map((l) => l.attempts)).toEqual([1, 2, 3]);
      expect((await deadLetters.list({ integration: 'a-int' })).map((l) => l.attempts)).toEqual([1, 3]);
      expect((await deadLetters.list({ limit: 2 })).map((l) => l.attempts)).toEqual([1, 2]);
    });

    it('removes by id, and removing a missing id is a no-op', async () => {
      const { deadLetters, reopen, clock } = await makeFixture();
      const { id } = await deadLetters.put(letter(1, 'a-int', clock.now()));
      await deadLetters.put(letter(2, 'a-int', clock.now()));
      await reopen().remove(id);
      await deadLetters.remove(id);
      expect((await deadLetters.list()).map((l) => l.attempts)).toEqual([2]);
    });

    it('reports the age of the oldest dead letter, per integration or overall', async () => {
      const { deadLetters, clock } = await makeFixture();
      expect(await deadLetters.oldestAgeMs()).toBeNull();
      await deadLetters.put(letter(1, 'a-int', clock.now() - 60_000));
      await deadLetters.put(letter(2, 'b-int', clock.now() - 5_000));
      expect(await deadLetters.oldestAgeMs()).toBe(60_000);
      expect(await deadLetters.oldestAgeMs('b-int')).toBe(5_000);
      expect(await deadLetters.oldestAgeMs('c-int')).toBeNull();
    });
  });
}
