/**
 * Which environment this integration's handlers run on: AWS, unless a host — the local gateway of
 * `npm start`, a test — chose another with `useEnvironment` (runtime.ts). A module of its own so
 * the webhook handlers can read the choice without importing the worker's code.
 */
import type { RuntimeEnvironment } from '@kongo/runtime';

let chosen: RuntimeEnvironment | undefined;

export function chooseEnvironment(environment: RuntimeEnvironment): void {
  chosen = environment;
}

export function chosenEnvironment(): RuntimeEnvironment | undefined {
  return chosen;
}
