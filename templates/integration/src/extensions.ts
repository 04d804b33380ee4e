/**
 * HAND-WRITTEN EXTENSIONS — not generated, never overwritten.
 *
 * Business logic the five formulas can't express lives here, in code a reviewer reads with care
 * (the review summary lists this file apart from generated code). The generator created this file
 * once; `kongo generate` never touches it again. Leave `hooks` empty when the mappings suffice.
 *
 * Hooks (typed by RuntimeHooks): `beforeWriteToDestination(values, context)` and
 * `beforeWriteToHubSpot(values, context)` receive the transformed values just before the write and
 * return the values to write, or null to skip the write.
 */
import type { RuntimeHooks } from '@kongo/runtime';

export const hooks: RuntimeHooks = {};
