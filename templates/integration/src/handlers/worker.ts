/** The queue worker of one direction: transform, deduplicate, deliver; failures retry, then dead-letter. */
import { sqsBatchHandler } from '@kongo/runtime';
import { integrationRuntime } from '../runtime.ts';

/**
 * The worker acknowledges (deletes) each message it finished and delays the ones it will retry.
 * Lambda must then delete nothing on its own: when any message was delayed, every id is reported
 * back as a batch item failure — finished ones are already gone, delayed ones keep their delay.
 */
export const handler = sqsBatchHandler(async (messages) => {
  const outcome = await integrationRuntime().processMessages(messages);
  const delayed = outcome.retried + outcome.paused > 0;
  return { failedMessageIds: delayed ? messages.map((message) => message.messageId) : [] };
});
