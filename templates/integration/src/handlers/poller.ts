/** Scheduled: read the destination's changes since the cursor and enqueue them. */
import { integrationRuntime } from '../runtime.ts';

export async function handler(): Promise<unknown> {
  return integrationRuntime().poll();
}
