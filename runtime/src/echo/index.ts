/** Echo prevention: value hashes, the intent-based echo check and the unchanged-write skip. */
export {
  checkEcho,
  DEFAULT_ECHO_WINDOW_MS,
  type EchoInput,
  type EchoVerdict,
  type EventEchoInput,
  isEchoFromEvents,
  isOurSource,
  unchangedSinceLastWrite,
} from './guard.ts';
export { type FieldValues, fieldHash, fieldHashes, normaliseValue, project, valuesHash } from './hash.ts';
