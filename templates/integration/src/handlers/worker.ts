/** The queue worker of one direction: transform, deduplicate, deliver; failures retry, then dead-letter. */
import { sqsBatchHandler } from '@kongo/runtime';
import { integrationRuntime } from '../runtime.ts';

/**
 * The worker acknowledges (deletes) each message it finished and delays the ones it will retry or
 * that wait out a pause. Exactly those are reported back as batch item failures (the outcome's
 * `failedMessageIds`): Lambda deletes the rest — already gone, or quarantined — and leaves the
 * delayed ones on the queue with their delay, so one slow record never re-runs its batch-mates.
 */
export const handler = sqsBatchHandler((messages) => integrationRuntime().processMessages(messages));
