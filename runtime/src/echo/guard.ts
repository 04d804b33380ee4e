/**
 * The echo guard: is an inbound change one we made? The intent (hash of the values we were about
 * to write, recorded before the call) decides; HubSpot's changeSource/sourceId only corroborates.
 */
import type { SyncEntity, System } from '../mapping-store/types.ts';
import { type FieldValues, fieldHash, project, valuesHash } from './hash.ts';

export interface EchoInput {
  entity: SyncEntity | null;
  /** The side the change came from. */
  source: System;
  /** The inbound record's current values (hydrated), in that side's field names. */
  record: FieldValues;
  /** For HubSpot propertyChange events: the properties that changed (empty = unknown). */
  changedProperties?: readonly string[];
  /** The inbound record's updatedAt, ms, when known. */
  recordUpdatedAt?: number;
  /** HubSpot's changeSource and sourceId, and our app id. */
  changeSource?: string;
  sourceId?: string;
  appId?: number;
  now: number;
  /** How long after an intent its echo is still expected, ms. */
  windowMs: number;
}

export type EchoVerdict =
  | { echo: true; signal: 'intent-hash' | 'intent-hash+source' | 'field-hash+source' }
  | {
      echo: false;
      reason: 'no-intent' | 'intent-expired' | 'other-field' | 'later-change' | 'values-differ';
    };

export const DEFAULT_ECHO_WINDOW_MS = 10 * 60_000;

/** True when HubSpot says our app made the change (a hint, never sufficient on its own). */
export function isOurSource(input: Pick<EchoInput, 'changeSource' | 'sourceId' | 'appId'>): boolean {
  return (
    input.changeSource === 'INTEGRATION' &&
    input.appId !== undefined &&
    input.sourceId !== undefined &&
    String(input.sourceId) === String(input.appId)
  );
}

/**
 * Decides whether the inbound change is the echo of our own write.
 * - Values projected on the fields we wrote must hash to the intent: equal → ours, even while the
 *   intent is still pending (the echo outran the API's answer).
 * - A HubSpot change to a property we did not write is never our echo.
 * - Once the write is committed, a record updated after our write's updatedAt is a later change.
 * - After `windowMs` an intent no longer explains anything; `unchangedSinceLastWrite` still stops loops.
 */
export function checkEcho(input: EchoInput): EchoVerdict {
  const intent = input.entity?.intents[input.source];
  if (!intent) return { echo: false, reason: 'no-intent' };
  if (input.now - intent.at > input.windowMs) return { echo: false, reason: 'intent-expired' };
  if (input.changedProperties?.some((property) => !intent.fields.includes(property))) {
    return { echo: false, reason: 'other-field' };
  }
  if (
    intent.status === 'committed' &&
    intent.remoteUpdatedAt !== undefined &&
    input.recordUpdatedAt !== undefined &&
    input.recordUpdatedAt > intent.remoteUpdatedAt
  ) {
    return { echo: false, reason: 'later-change' };
  }
  if (valuesHash(project(input.record, intent.fields), intent.fields) !== intent.hash) {
    return { echo: false, reason: 'values-differ' };
  }
  return { echo: true, signal: isOurSource(input) ? 'intent-hash+source' : 'intent-hash' };
}

/** Our last committed write to `side` had exactly these values: writing again changes nothing. */
export function unchangedSinceLastWrite(entity: SyncEntity | null, side: System, hash: string): boolean {
  return entity?.written[side] === hash;
}

/** One HubSpot event as the pre-hydration echo check needs it (intake's InboundEvent fits). */
export interface EventEchoInput {
  type: string;
  occurredAt: number;
  changedProperty?: string;
  changedValue?: string;
  changeSource?: string;
  sourceId?: string;
}

/**
 * Is this HubSpot record's batch of events provably the echo of our own write, from the events
 * alone (no read)? Every event must be one our app made (changeSource INTEGRATION, sourceId = our
 * app id) and explained by the intent on the hubspot side — within the window, and, once committed,
 * not later than our write's answer:
 * - a propertyChange of a field the intent wrote, whose value hashes to that field's recorded hash;
 * - a creation, when the intent is a create (it carries no values; its propertyChanges do).
 * Anything else (no per-field hashes, another field, a
 * value that differs — a person edited it meanwhile —, another source) is not proven: the caller
 * hydrates and runs `checkEcho` as before. changeSource is never sufficient on its own.
 */
export function isEchoFromEvents(input: {
  entity: SyncEntity | null;
  events: readonly EventEchoInput[];
  appId?: number;
  now: number;
  windowMs: number;
}): boolean {
  const intent = input.entity?.intents.hubspot;
  const hashes = intent?.fieldHashes;
  if (!intent || !hashes || input.events.length === 0) return false;
  if (input.now - intent.at > input.windowMs) return false;
  for (const event of input.events) {
    if (!isOurSource({ ...event, ...(input.appId === undefined ? {} : { appId: input.appId }) }))
      return false;
    if (
      intent.status === 'committed' &&
      intent.remoteUpdatedAt !== undefined &&
      event.occurredAt > intent.remoteUpdatedAt
    ) {
      return false;
    }
    const verb = event.type.slice(event.type.indexOf('.') + 1);
    if (verb === 'creation') {
      if (intent.operation !== 'create') return false;
      continue;
    }
    if (verb !== 'propertyChange' || event.changedProperty === undefined || event.changedValue === undefined)
      return false;
    const recorded = hashes[event.changedProperty];
    if (recorded === undefined || !intent.fields.includes(event.changedProperty)) return false;
    if (fieldHash(event.changedValue) !== recorded) return false;
  }
  return true;
}
