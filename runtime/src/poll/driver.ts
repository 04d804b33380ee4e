/**
 * One poll of one side: read changes since the stored cursor, feed them to the same work queue the
 * webhooks use, then advance the cursor — in rounds, so a large backlog is enqueued and
 * checkpointed as it is read instead of held in memory. Enqueue first, advance second: a crash
 * between the two re-reads a round (dedupe drops it) rather than losing one. The cursor write is
 * conditional on the version read, so two pollers racing can't move it backwards; the loser stops.
 */
import { randomUUID } from 'node:crypto';
import type { MappingStore } from '../mapping-store/types.ts';
import type { Clock, QueueEnvelope, WorkQueue } from '../queue/types.ts';

export type PollSource = 'hubspot' | 'destination';

/** Body of a `poll` envelope (TEAM contract; the intake's splitPoll reads it). */
export interface PollEnvelopeBody<R = unknown> {
  source: PollSource;
  polledAt: number;
  records: R[];
}

export interface ReadRound<R> {
  records: R[];
  /** The cursor to store after these records are enqueued. */
  cursor: string;
  /** True when the read stopped on its per-round call budget. */
  more: boolean;
  calls: number;
}

/** Reads one round (a bounded number of API calls) from `cursor` (null = never polled). */
export type ReadChanges<R> = (cursor: string | null) => Promise<ReadRound<R>>;

export interface RunPollOptions<R> {
  integration: string;
  source: PollSource;
  store: Pick<MappingStore, 'getCursor' | 'putCursor'>;
  queue: Pick<WorkQueue, 'send'>;
  read: ReadChanges<R>;
  clock: Clock;
  /** Records per queue message (≤ 100, the contract). */
  chunkSize?: number;
  /** Most rounds in one poll (a Lambda has a time limit); the rest waits for the next poll. */
  maxRounds?: number;
  /** Stop starting new rounds after this many ms. */
  timeBudgetMs?: number;
}

export interface PollOutcome {
  source: PollSource;
  records: number;
  messages: number;
  calls: number;
  rounds?: number;
  /** False when another poller moved the cursor first (our records were still enqueued; dedupe copes). */
  cursorAdvanced: boolean;
  /** True when the poll stopped on its round or time budget: poll again soon. */
  more: boolean;
}

export const POLL_SOURCE_HEADER = 'x-kongo-poll-source';
export const POLL_CHUNK_MAX = 100;

export function cursorName(source: PollSource): string {
  return `poll-${source}`;
}

export function pollEnvelopes<R>(
  integration: string,
  source: PollSource,
  records: readonly R[],
  polledAt: number,
  chunkSize = POLL_CHUNK_MAX,
): QueueEnvelope[] {
  const size = Math.max(1, Math.min(chunkSize, POLL_CHUNK_MAX));
  const envelopes: QueueEnvelope[] = [];
  for (let i = 0; i < records.length; i += size) {
    const body: PollEnvelopeBody<R> = { source, polledAt, records: records.slice(i, i + size) };
    envelopes.push({
      v: 1,
      kind: 'poll',
      integration,
      traceId: randomUUID(),
      receivedAt: polledAt,
      headers: { [POLL_SOURCE_HEADER]: source, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
  return envelopes;
}

export async function runPoll<R>(options: RunPollOptions<R>): Promise<PollOutcome> {
  const name = cursorName(options.source);
  const maxRounds = options.maxRounds ?? 50;
  const deadline = options.clock.now() + (options.timeBudgetMs ?? 60_000);
  const outcome: PollOutcome = {
    source: options.source,
    records: 0,
    messages: 0,
    calls: 0,
    rounds: 0,
    cursorAdvanced: true,
    more: false,
  };
  let stored = await options.store.getCursor(options.integration, name);
  for (;;) {
    const round = await options.read(stored?.value ?? null);
    outcome.rounds = (outcome.rounds ?? 0) + 1;
    outcome.calls += round.calls;
    outcome.records += round.records.length;
    const polledAt = options.clock.now();
    for (const envelope of pollEnvelopes(
      options.integration,
      options.source,
      round.records,
      polledAt,
      options.chunkSize,
    )) {
      await options.queue.send(envelope);
      outcome.messages++;
    }
    if (round.cursor !== stored?.value) {
      const advanced = await options.store.putCursor(
        options.integration,
        name,
        round.cursor,
        stored?.version ?? null,
      );
      if (!advanced) {
        outcome.cursorAdvanced = false;
        outcome.more = round.more;
        return outcome;
      }
      stored = { value: round.cursor, updatedAt: polledAt, version: (stored?.version ?? 0) + 1 };
    }
    if (!round.more) return outcome;
    if ((outcome.rounds ?? 0) >= maxRounds || options.clock.now() >= deadline) {
      outcome.more = true;
      return outcome;
    }
  }
}
