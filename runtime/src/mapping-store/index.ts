/** Identity and mapping: the MappingStore port and its DynamoDB adapter (dynalite locally). */
export { DynamoMappingStore, type DynamoMappingStoreOptions } from './dynamo-store.ts';
export { MappingStoreError } from './errors.ts';
export {
  cursorKey,
  ENTITY_SK,
  eventKey,
  forgottenKey,
  legacyNaturalKeyKey,
  mapKey,
  naturalKeyHash,
  naturalKeyHashKey,
  naturalKeyKey,
  normaliseNaturalKey,
  syncKey,
} from './keys.ts';
export { MemoryMappingStore } from './memory-store.ts';
export {
  type ClaimOutcome,
  type CommitWrite,
  type Cursor,
  type DriftEntry,
  type EntityStatus,
  type EventClaim,
  type Intent,
  type IntentOutcome,
  type IntentWrite,
  type LinkOutcome,
  type MappingStore,
  otherSystem,
  SYSTEMS,
  type SyncEntity,
  type System,
} from './types.ts';
