/**
 * Dead-letter operations behind `kongo dlq list|replay`: list what failed and why, and put letters
 * back on the work queue. Replayed envelopes go through the normal worker, so the HubSpot budget,
 * the echo guard and the identity checks all apply; a replay skips only the event dedupe (a person
 * asked for it on purpose).
 */
import type { DeadLetter, DeadLetterQueue, QueueEnvelope, WorkQueue } from '../queue/types.ts';

export const REPLAY_OF_HEADER = 'x-kongo-replay-of';

export interface DeadLetterListing {
  id: string;
  integration: string;
  reason: string;
  kind: string;
  failedAt: number;
  attempts: number;
  recordId?: string;
  traceId: string;
}

/** Dead letters without their envelopes (which hold record contents). */
export async function listDeadLetters(
  deadLetters: DeadLetterQueue,
  options: { integration?: string; limit?: number } = {},
): Promise<DeadLetterListing[]> {
  const letters = await deadLetters.list(options);
  return letters.map((letter) => ({
    id: letter.id,
    integration: letter.integration,
    reason: letter.reason,
    kind: letter.kind,
    failedAt: letter.failedAt,
    attempts: letter.attempts,
    traceId: letter.envelope.traceId,
    ...(letter.recordId === undefined ? {} : { recordId: letter.recordId }),
  }));
}

/** The envelope that replays a letter: kind `replay`, the original kind in a header. */
export function replayEnvelope(letter: DeadLetter, now: number): QueueEnvelope {
  const original =
    letter.envelope.kind === 'replay' ? letter.envelope.headers[REPLAY_OF_HEADER] : letter.envelope.kind;
  return {
    ...letter.envelope,
    kind: 'replay',
    receivedAt: now,
    headers: { ...letter.envelope.headers, [REPLAY_OF_HEADER]: original ?? letter.envelope.kind },
  };
}

export interface ReplayOutcome {
  replayed: string[];
  skipped: Array<{ id: string; reason: string }>;
}

/**
 * Re-enqueues letters (all of an integration's, or the ids given) and removes each once it is
 * safely on the queue — enqueue first, remove second, so a crash between leaves a duplicate
 * (harmless: the worker is idempotent), never a loss.
 */
export async function replayDeadLetters(options: {
  deadLetters: DeadLetterQueue;
  queue: Pick<WorkQueue, 'send'>;
  integration: string;
  ids?: string[];
  limit?: number;
  now?: () => number;
}): Promise<ReplayOutcome> {
  const now = options.now ?? Date.now;
  const letters = await options.deadLetters.list({
    integration: options.integration,
    limit: options.limit ?? 1000,
  });
  const wanted = options.ids ? new Set(options.ids) : null;
  const outcome: ReplayOutcome = { replayed: [], skipped: [] };
  for (const letter of letters) {
    if (wanted && !wanted.has(letter.id)) continue;
    if (letter.reason.startsWith('malformed')) {
      outcome.skipped.push({ id: letter.id, reason: 'malformed body: fix the sender, then remove it' });
      continue;
    }
    await options.queue.send(replayEnvelope(letter, now()));
    await options.deadLetters.remove(letter.id);
    outcome.replayed.push(letter.id);
  }
  for (const id of wanted ?? []) {
    if (!outcome.replayed.includes(id) && !outcome.skipped.some((s) => s.id === id)) {
      outcome.skipped.push({ id, reason: 'no such dead letter' });
    }
  }
  return outcome;
}
