/**
 * Scheduled at the spec's polling interval: read the destination's changes since the cursor kept in
 * the table and enqueue them on the worker's queue, as the webhooks would.
 */
import type { PollOutcome } from '@kongo/runtime';
import { integrationRuntime } from '../runtime.ts';

export async function handler(): Promise<PollOutcome> {
  return integrationRuntime().poll({ source: 'destination' });
}
