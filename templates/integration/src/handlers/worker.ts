/** The queue worker of one direction: transform, deduplicate, deliver; failures retry, then dead-letter. */
import { sqsBatchHandler } from '@kongo/runtime';
import { integrationRuntime } from '../runtime.ts';

export const handler = sqsBatchHandler((messages) => integrationRuntime().processMessages(messages));
