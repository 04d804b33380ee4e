/** Scheduled: check the integration's dependencies and report counters to the Notification Centre. */
import { integrationRuntime } from '../runtime.ts';

export async function handler(): Promise<void> {
  await integrationRuntime().heartbeat();
}
