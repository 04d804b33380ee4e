/** Echo prevention: value hashes and HubSpot's provenance hint (the rule itself is convergence/rules.ts). */
export { isOurSource, type SourceHint } from './guard.ts';
export { type FieldValues, fieldHash, fieldHashes, normaliseValue, project, valuesHash } from './hash.ts';
