/**
 * The identity and mapping port: which HubSpot record and which destination record are the same
 * real-world entity, plus the per-entity state the worker's races are decided on (intents, last
 * applied change, last written values). One adapter per backend; `dynamo-store.ts` is the one we ship.
 */

import type { FieldBase, FieldState, Lease } from '../convergence/state.ts';

/** The two sides of an integration. */
export type System = 'hubspot' | 'destination';

export const SYSTEMS: readonly System[] = ['hubspot', 'destination'];

export function otherSystem(system: System): System {
  return system === 'hubspot' ? 'destination' : 'hubspot';
}

/**
 * The write about to be made to one side, recorded before the outbound call so that its echo is
 * recognised even when it outruns the API's answer.
 */
export interface Intent {
  /** Hash of the values written (see echo/hash.ts), over exactly `fields`. */
  hash: string;
  /** The target fields written, sorted: an inbound record is projected onto these to compare. */
  fields: string[];
  /**
   * `fieldHash` (echo/hash.ts) of each field's value as written ("" hashed for cleared), so a HubSpot
   * propertyChange event, which carries one property's value, can be proven our echo without a read.
   * Absent on intents recorded before it existed: those events are hydrated as before.
   */
  fieldHashes?: Record<string, string>;
  /** When recorded, ms. */
  at: number;
  status: 'pending' | 'committed';
  /** Idempotency key sent with the call; reused verbatim when a crash makes us repeat it. */
  key: string;
  /** 'create' when the entity had no id on that side yet. */
  operation: 'create' | 'update';
  /** The remote record's updatedAt from the API's answer (ms), once committed. */
  remoteUpdatedAt?: number;
}

export interface DriftEntry {
  system: System;
  from: string;
  to: string;
  at: number;
  reason: 'id-rolled' | 'merged' | 'restored' | 'relinked';
}

export type EntityStatus = 'active' | 'deleted' | 'flagged';

/** One real-world entity (`SYNC#{kongoId}`). */
export interface SyncEntity {
  kongoId: string;
  integration: string;
  /** Optimistic-concurrency version; every state change is conditional on it. */
  version: number;
  createdAt: number;
  updatedAt: number;
  ids: Partial<Record<System, string>>;
  /**
   * `naturalKeyHash` of the normalised natural key claimed for it, if any: the entity never stores
   * the key itself (an email is personal data; a privacy deletion must leave nothing of it).
   */
  naturalKeyHash?: string;
  /**
   * The plain normalised key, only on entities written before keys were hashed (read, never
   * written): purge uses it to delete their plain `NK#` item too.
   */
  legacyNaturalKey?: string;
  /** occurredAt (ms) of the newest inbound change applied, per source side. */
  lastApplied: Partial<Record<System, number>>;
  intents: Partial<Record<System, Intent>>;
  /** Hash of the values last committed per side: a write with the same hash is skipped. */
  written: Partial<Record<System, string>>;
  drift: DriftEntry[];
  status: EntityStatus;
  /** Why it is flagged or deleted (policy outcome), for people. */
  statusReason?: string;
  /**
   * Per-field base and write history (convergence/state.ts). Absent on entities from before it
   * existed: the first change to them writes it (docs/RUNTIME.md "Migration").
   */
  fieldState?: FieldState;
  /** Set while one worker applies a change to this entity (convergence/state.ts). */
  lease?: Lease;
}

export type ClaimOutcome = { claimed: true; kongoId: string } | { claimed: false; kongoId: string };

export type LinkOutcome =
  | { linked: true; entity: SyncEntity }
  /** The entity already carries a different id on that side. */
  | { linked: false; existingId: string; entity: SyncEntity };

export type EventClaim = 'new' | 'duplicate';

export interface IntentWrite {
  side: System;
  intent: Intent;
  /** The inbound change being applied: advances `lastApplied[source]`. */
  applied?: { source: System; occurredAt: number };
  /** The entity's new per-field state, written whole in the same conditional update. */
  fieldState?: FieldState;
  /**
   * Taken in the same conditional update: it succeeds only while no one else holds a live lease.
   * Released by `releaseLease` after the commit (or expires after a crash).
   */
  lease?: Lease;
  /** A second intent in the same write: putting a person's overwritten edit back on its own side. */
  restore?: { side: System; intent: Intent };
}

export type IntentOutcome =
  | { recorded: true; entity: SyncEntity }
  | { recorded: false; reason: 'version-changed' };

export interface CommitWrite {
  side: System;
  /** The intent being committed: nothing happens if a newer intent replaced it. */
  key: string;
  hash: string;
  /** The id the API answered with (creates). */
  remoteId?: string;
  remoteUpdatedAt?: number;
  /** The written fields' new base on `side` (convergence/rules.ts `committedBase`). */
  base?: Record<string, FieldBase>;
  /**
   * Releases the lease `releaseLease` (the owner) holds in the same conditional update: the commit
   * and the release are one write. A lease someone else took meanwhile (ours expired) stays theirs.
   */
  releaseLease?: string;
}

/** One record on one side, as the worker knows it before identity is resolved. */
export interface RecordRef {
  system: System;
  id: string;
}

/** `resolveMany`'s key for a record: `{system}:{id}`. */
export const refKey = (ref: RecordRef): string => `${ref.system}:${ref.id}`;

export interface Cursor {
  value: string;
  updatedAt: number;
  version: number;
}

/**
 * Every method is one or two conditional DynamoDB item operations; no method needs a
 * transaction (dynalite has none). Expected outcomes are values; only infrastructure failures throw.
 */
export interface MappingStore {
  /** The entity an external id belongs to (`MAP#` then `SYNC#`), or null. */
  resolve(integration: string, system: System, id: string): Promise<SyncEntity | null>;
  getEntity(kongoId: string): Promise<SyncEntity | null>;
  /** The kongoId holding a normalised natural key, or null. */
  lookupNaturalKey(integration: string, key: string): Promise<string | null>;
  /** Claims a natural key with attribute_not_exists; the loser learns the winner's kongoId. */
  claimNaturalKey(integration: string, key: string, kongoId: string): Promise<ClaimOutcome>;
  /**
   * Creates `SYNC#{kongoId}` if absent and returns the stored entity either way. `naturalKey` is the
   * plain normalised key; only its hash is stored.
   */
  ensureEntity(input: { kongoId: string; integration: string; naturalKey?: string }): Promise<SyncEntity>;
  /** Hangs an external id on the entity (both directions) unless it already has a different one. */
  linkId(kongoId: string, system: System, id: string): Promise<LinkOutcome>;
  /** Moves the entity's id on one side (an id rolled, a merge, a restore); records the drift. */
  replaceId(kongoId: string, system: System, to: string, reason: DriftEntry['reason']): Promise<SyncEntity>;
  /** Removes `MAP#{system}#{id}` (and the entity's reference if it still points there). */
  unlinkId(integration: string, system: System, id: string): Promise<void>;
  /** Records the intent (and the applied change) if the entity is still at `expectedVersion`. */
  recordIntent(kongoId: string, expectedVersion: number, write: IntentWrite): Promise<IntentOutcome>;
  /** Marks the intent committed, remembers the written hash, links a created id. */
  commitIntent(kongoId: string, write: CommitWrite): Promise<SyncEntity | null>;
  /**
   * Saves the per-field state of a change that needed no write (an echo, a stale or unchanged field),
   * if the entity is still at `expectedVersion` and nobody else holds a live lease.
   */
  saveFieldState(
    kongoId: string,
    expectedVersion: number,
    state: FieldState,
    owner: string,
  ): Promise<boolean>;
  /** Removes the lease if `owner` holds it (a no-op otherwise). */
  releaseLease(kongoId: string, owner: string): Promise<void>;
  /** Several entities in one call (absent ones are left out): the batch-friendly read. */
  getMany(kongoIds: readonly string[]): Promise<SyncEntity[]>;
  /**
   * `resolve` for a whole batch of records at once (DynamoDB: one BatchGetItem of `SYNC#` items when
   * the id cache knows them, one of `MAP#` items before it otherwise; ≤ 100 keys a request). Keyed by
   * `refKey`; records with no entity are left out.
   */
  resolveMany(integration: string, refs: readonly RecordRef[]): Promise<Map<string, SyncEntity>>;
  setStatus(kongoId: string, status: EntityStatus, reason?: string): Promise<void>;
  /**
   * Claims an inbound event key. 'new' also when the same queue message claimed it before (our
   * own crash, redelivered); 'duplicate' when another message did, or it is past.
   */
  claimEvent(
    integration: string,
    eventKey: string,
    messageId: string,
    expiresAt: number,
  ): Promise<EventClaim>;
  getCursor(integration: string, name: string): Promise<Cursor | null>;
  /** Conditional on the version read (or on absence when `expectedVersion` is null). */
  putCursor(
    integration: string,
    name: string,
    value: string,
    expectedVersion: number | null,
  ): Promise<boolean>;
  /**
   * Deletes the entity, every `MAP#` item that points at it (current and rolled ids) and its `NK#`
   * claim, hashed and legacy plain (privacy deletion).
   */
  purge(kongoId: string): Promise<void>;
  /**
   * Remembers that a person asked to be forgotten, by a one-way hash of each key (an id or a
   * natural key), so a change still queued for them can't create them again.
   */
  forget(integration: string, keys: string[]): Promise<void>;
  /** True when `key` was forgotten. */
  isForgotten(integration: string, key: string): Promise<boolean>;
}
