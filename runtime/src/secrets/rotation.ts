/** Rotation: during a secret rotation the previous value lives under `<name>-previous`; both verify. */
import type { SecretSource } from './types.ts';

export const PREVIOUS_SUFFIX = '-previous';

/**
 * `[current, previous]`, leaving out the ones that do not exist (so `[]` when none is set).
 *
 * @example
 * const secrets = await rotatingSecrets(source, '/velflex/hubspot-client-secret');
 * const verify = createVerifier(scheme, secrets);
 */
export async function rotatingSecrets(source: SecretSource, name: string): Promise<string[]> {
  const [current, previous] = await Promise.all([source.get(name), source.get(name + PREVIOUS_SUFFIX)]);
  return [current, previous].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}
