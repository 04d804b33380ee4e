/**
 * The worker: queued envelopes → records delivered to the other side, exactly once in effect.
 * Per message: split → dedupe → order → hydrate; per record: transform → identity lookup → echo
 * guard → order check → identity claim → intent → outbound (HubSpot in batches of ≤ 100) → commit.
 * Every race is decided by a conditional write in the mapping store; every crash between two steps
 * is repaired by the next delivery of the same message (see docs/RUNTIME.md).
 */
import { randomUUID } from 'node:crypto';
import { echoesFirst, observeRecord, timeOf, trackedFields } from '../convergence/observations.ts';
import {
  committedBase,
  type Decision,
  decide,
  type FieldObservation,
  type FieldVerdict,
  type FieldWrite,
  observe,
  rememberWrites,
} from '../convergence/rules.ts';
import { convergenceSettings } from '../convergence/settings.ts';
import { type FieldBase, leaseBusy, normaliseFieldState } from '../convergence/state.ts';
import { isOurSource } from '../echo/guard.ts';
import { fieldHash, fieldHashes, valuesHash } from '../echo/hash.ts';
import { applyTransforms, type FieldError, fieldsOf, sourceFields } from '../formulas/index.ts';
import { type HydrateOutcome, hydrate } from '../intake/hydrate.ts';
import { planRecords, type RecordWork } from '../intake/plan.ts';
import { type InboundEvent, splitEnvelope } from '../intake/split.ts';
import { normaliseNaturalKey } from '../mapping-store/keys.ts';
import { type Intent, otherSystem, refKey, type SyncEntity, type System } from '../mapping-store/types.ts';
import { forgetKeys, handleLifecycle } from '../ops/lifecycle.ts';
import { DeliveryError } from '../outbound/errors.ts';
import type { QueueEnvelope, ReceivedMessage } from '../queue/types.ts';
import type { Direction, Flow, IntegrationSpec } from '../spec/types.ts';
import { noCrash } from './crash.ts';
import { type Arrival, arrivalOf, RecordTrace, type Span, startSpan, traceOutcomeOf } from './trace.ts';
import type { BatchOutcome, RecordReport, WorkerDeps, WriteValues } from './types.ts';

/** A record that passed every check and waits for its outbound call. */
interface PendingWrite {
  work: RecordWork;
  report: RecordReport;
  side: System;
  entity: SyncEntity;
  intent: Intent;
  values: WriteValues;
  naturalKey: string | null;
  trace: RecordTrace;
  /** Each written field's winning edit: becomes the target's base at commit. */
  fieldWrites: Record<string, FieldWrite>;
  /** The lease owner (the queue message): released after the commit or the failure. */
  owner: string;
  /** A second write of the same record (a restore on its own side): reported through the first. */
  companion?: true;
  /** Set by the outbound phase. */
  result?: { remoteId: string; remoteUpdatedAt?: number } | { error: unknown } | { superseded: true };
  /** The outbound call's timing (a HubSpot batch call's, shared by its records) and a short code. */
  delivery?: Span & { note: string };
}

/**
 * A record that failed, and the anatomy stage it failed at: a HubSpot read while hydrating is the
 * transform stage's; a call to either API (a lookup by natural key included) is delivery's — the
 * consultant fixes it where the API is configured, not in the identity logic; a store error while
 * claiming identity is idempotency's; a failed commit after the write is observe's.
 */
type FailureStage = 'transform' | 'idempotency' | 'deliver' | 'observe';

interface FailedRecord {
  record: BatchRecord;
  error: unknown;
  stage: FailureStage;
}

/** One queue message between the stages: acked, retried or dead-lettered by its records' fate. */
interface MessageState {
  message: ReceivedMessage;
  arrival: Arrival;
  /** The records (of the whole batch) some of whose events this message carried. */
  records: BatchRecord[];
}

/** Where a record stands between the stages. */
type RecordStatus =
  | { kind: 'open' }
  | { kind: 'done' }
  | { kind: 'pending' }
  | { kind: 'failed'; error: unknown; stage: FailureStage }
  /** The entity kept changing under us: decided again on the message's next delivery. */
  | { kind: 'retryable' }
  /** Another worker holds the entity's lease: looked at again shortly. */
  | { kind: 'busy' };

/** One record of the batch: every change to it, from whichever messages, as one unit of work. */
interface BatchRecord {
  work: RecordWork;
  /** Every message that carried one of its events (acked only when the record is settled). */
  messages: MessageState[];
  /** The message with its newest event: owns the lease and gives the trace its arrival. */
  home: MessageState;
  trace: RecordTrace;
  status: RecordStatus;
  pending: PendingWrite[];
  /** Reported and traced (once, however many messages carried it). */
  concluded: boolean;
}

/** The reason a record waits: another worker holds its entity's lease. */
const RECORD_BUSY = 'record-busy';

export interface Worker {
  processMessages(messages: readonly ReceivedMessage[]): Promise<BatchOutcome>;
  /** HubSpot properties hydration reads (exposed for pollers and tests). */
  readonly hubspotProperties: string[];
  /** Destination fields the clients select. */
  readonly destinationFields: string[];
}

const FLOW_OF: Record<System, Direction> = {
  hubspot: 'hubspot-to-destination',
  destination: 'destination-to-hubspot',
};

/** The flows in use: the spec's, with generated mappings taking precedence when given. */
export function effectiveFlows(
  spec: IntegrationSpec,
  override: WorkerDeps['mappings'],
): Map<Direction, Flow> {
  const flows = new Map<Direction, Flow>();
  for (const flow of spec.flows) {
    const mappings = override?.[flow.direction] ?? flow.mappings;
    if (mappings.length > 0) flows.set(flow.direction, { ...flow, mappings });
  }
  return flows;
}

/** HubSpot properties to hydrate, destination fields to select: sources read, targets written, keys. */
export function fieldSets(
  spec: IntegrationSpec,
  flows: Map<Direction, Flow>,
): { hubspotProperties: string[]; destinationFields: string[] } {
  const toDestination = flows.get('hubspot-to-destination');
  const toHubSpot = flows.get('destination-to-hubspot');
  const hubspotProperties = [
    ...new Set([
      ...(toDestination ? sourceFields(toDestination) : []),
      ...(toHubSpot ? toHubSpot.mappings.map((m) => m.target) : []),
      spec.destination.naturalKey.hubspotProperty,
      spec.hubspot.syncIdProperty,
    ]),
  ];
  const destinationFields = [
    ...new Set([
      ...(toHubSpot ? sourceFields(toHubSpot) : []),
      ...(toDestination ? toDestination.mappings.map((m) => m.target) : []),
      spec.destination.naturalKey.destinationField,
    ]),
  ];
  return { hubspotProperties, destinationFields };
}

export function createWorker(deps: WorkerDeps): Worker {
  const { spec, store, logger, clock } = deps;
  const integration = spec.integration.name;
  const options = deps.options ?? {};
  const crash = options.crash ?? noCrash;
  // Per message: the controls can switch dry-run on and off while the worker runs.
  let dryRun = false;
  const fromSpec = convergenceSettings(spec);
  const settings = {
    ...fromSpec,
    echoWindowMs: options.echoWindowMs ?? fromSpec.echoWindowMs,
  };
  const leaseMs = options.leaseMs ?? 30_000;
  const maxReceives = options.maxReceives ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const busyDelayMs = options.busyDelayMs ?? Math.min(retryDelayMs, 200);
  const newKongoId = options.newKongoId ?? randomUUID;
  const destinationConcurrency = Math.max(1, options.destinationConcurrency ?? 8);
  // Records of one batch decided at once (store round trips overlap; the rule is per record).
  const recordConcurrency = 16;
  const flows = effectiveFlows(spec, deps.mappings);
  const { hubspotProperties, destinationFields } = fieldSets(spec, flows);
  // Field ownership (keyed by HubSpot property): an owned field is only ever written by its owner's
  // side. 'latest' (or no entry) lets the newest change win.
  const ownership = spec.policies.fieldOwnership ?? {};
  const notWritten: Record<System, Set<string>> = { hubspot: new Set(), destination: new Set() };
  for (const mapping of flows.get('destination-to-hubspot')?.mappings ?? []) {
    if (ownership[mapping.target] === 'hubspot') notWritten.hubspot.add(mapping.target);
  }
  for (const mapping of flows.get('hubspot-to-destination')?.mappings ?? []) {
    if (fieldsOf(mapping.value).some((property) => ownership[property] === 'destination')) {
      notWritten.destination.add(mapping.target);
    }
  }
  // Owned by the side that writes: such a target field is written whatever the times say.
  const ownedBy: Record<System, Set<string>> = { hubspot: new Set(), destination: new Set() };
  for (const mapping of flows.get('destination-to-hubspot')?.mappings ?? []) {
    if (ownership[mapping.target] === 'destination') ownedBy.hubspot.add(mapping.target);
  }
  for (const mapping of flows.get('hubspot-to-destination')?.mappings ?? []) {
    if (fieldsOf(mapping.value).some((property) => ownership[property] === 'hubspot')) {
      ownedBy.destination.add(mapping.target);
    }
  }
  const toDestination = flows.get('hubspot-to-destination');
  const toHubSpot = flows.get('destination-to-hubspot');
  // Each side's fields with a per-field base: what Kongo reads there and what it writes there.
  const tracked: Record<System, string[]> = {
    hubspot: trackedFields(
      toDestination ? sourceFields(toDestination) : [],
      toHubSpot ? toHubSpot.mappings.map((m) => m.target) : [],
      [spec.hubspot.syncIdProperty],
    ),
    destination: trackedFields(
      toHubSpot ? sourceFields(toHubSpot) : [],
      toDestination ? toDestination.mappings.map((m) => m.target) : [],
      [spec.destination.idField],
    ),
  };
  const keyField: Record<System, string> = {
    hubspot: spec.destination.naturalKey.hubspotProperty,
    destination: spec.destination.naturalKey.destinationField,
  };

  /** Values as each side wants them: HubSpot takes strings ("" clears); empties per policy. */
  const shapeValues = (
    side: System,
    output: Record<string, string | number | boolean | null>,
  ): WriteValues => {
    const values: WriteValues = {};
    for (const [field, value] of Object.entries(output)) {
      if (value === null || value === '') {
        if (spec.policies.emptyValues === 'skip') continue;
        values[field] = side === 'hubspot' ? '' : null;
      } else values[field] = side === 'hubspot' ? String(value) : value;
    }
    return values;
  };

  const report = (work: RecordWork, outcome: RecordReport['outcome'], extra: Partial<RecordReport> = {}) => {
    const entry: RecordReport = {
      source: work.source,
      objectId: work.objectId,
      outcome,
      fieldErrors: [],
      traceId: work.latest.traceId,
      ...extra,
    };
    return entry;
  };

  /**
   * MAP lookup, else the natural key's holder. Read-only: decides nothing yet. `preloaded` is the
   * batch read's answer for this record (null: read, no entity holds the id); undefined reads again.
   */
  const lookup = async (
    work: RecordWork,
    naturalKey: string | null,
    preloaded: SyncEntity | null | undefined,
  ): Promise<SyncEntity | null> => {
    const byId =
      preloaded === undefined ? await store.resolve(integration, work.source, work.objectId) : preloaded;
    if (byId || naturalKey === null) return byId;
    const holder = await store.lookupNaturalKey(integration, naturalKey);
    return holder === null ? null : store.getEntity(holder);
  };

  /**
   * Finds or makes the entity and hangs the source id on it. The natural-key claim
   * (attribute_not_exists) is what makes two simultaneous creates on both sides one entity.
   */
  const claimIdentity = async (
    work: RecordWork,
    found: SyncEntity | null,
    naturalKey: string | null,
  ): Promise<{ entity: SyncEntity } | { conflict: string }> => {
    let entity = found;
    if (!entity) {
      let kongoId = newKongoId();
      if (naturalKey !== null)
        kongoId = (await store.claimNaturalKey(integration, naturalKey, kongoId)).kongoId;
      entity = await store.ensureEntity({
        kongoId,
        integration,
        ...(naturalKey === null ? {} : { naturalKey }),
      });
    }
    if (entity.ids[work.source] === work.objectId) return { entity };
    const link = await store.linkId(entity.kongoId, work.source, work.objectId);
    if (link.linked) return { entity: link.entity };
    // The entity carries another id on this side: the old one rolled (or was merged away), or
    // this is a second record with the same natural key. Ask the source which.
    const stillThere =
      work.source === 'destination'
        ? (await deps.destination.get(link.existingId)) !== null
        : (await deps.hubspot.batchRead([link.existingId], [keyField.hubspot])).records.length > 0;
    if (stillThere)
      return {
        conflict: `${work.source} records ${link.existingId} and ${work.objectId} share a natural key`,
      };
    const moved = await store.replaceId(entity.kongoId, work.source, work.objectId, 'id-rolled');
    logger.record('idempotency', 'delivered', {
      kind: 'id-drift',
      system: work.source,
      syncId: entity.kongoId,
    });
    return { entity: moved };
  };

  /** A record found on the target side by natural key: its id, values and modification time. */
  type FoundRecord = { id: string; values: Record<string, unknown>; updatedAt?: number };

  /**
   * The target's id when we don't know it yet: look it up by natural key before any create. A record
   * so found comes with its values and modification time, its side's first sight (W2).
   */
  const discoverTarget = async (
    entity: SyncEntity,
    side: System,
    naturalKey: string | null,
    prefetched?: ReadonlyMap<string, FoundRecord | null>,
  ): Promise<{ entity: SyncEntity; found?: { values: Record<string, unknown>; at: number } }> => {
    if (entity.ids[side] !== undefined || naturalKey === null) return { entity };
    let found: FoundRecord | undefined;
    const known = side === 'hubspot' ? prefetched?.get(naturalKey.toLowerCase()) : undefined;
    if (known !== undefined) found = known ?? undefined;
    else if (side === 'destination')
      found = (await deps.destination.findByNaturalKey(naturalKey)) ?? undefined;
    else {
      // Batch read by a unique property is read-your-writes, unlike search (which lags). Contact
      // email is unique; on other objects the key must be a unique-value property, else HubSpot
      // answers 400 and the upsert on the sync id decides alone.
      try {
        const read = await deps.hubspot.batchRead([naturalKey], hubspotProperties, {
          idProperty: keyField.hubspot,
        });
        const record = read.records[0];
        if (record)
          found = {
            id: record.id,
            values: record.properties,
            ...(record.updatedAt === undefined ? {} : { updatedAt: record.updatedAt }),
          };
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.status !== 400) throw error;
      }
    }
    if (found === undefined || dryRun) return { entity };
    const link = await store.linkId(entity.kongoId, side, found.id);
    const at =
      found.updatedAt ?? (side === 'destination' ? timeOf(found.values[settings.updatedAtField]) : undefined);
    if (!link.linked || at === undefined) return { entity: link.entity };
    return { entity: link.entity, found: { values: found.values, at } };
  };

  /**
   * Closes a record's trace with the report's outcome. Outcomes that have no counter of their own
   * elsewhere (echoes, unchanged writes, dry runs) are counted here: the observability stage.
   */
  const conclude = (trace: RecordTrace | undefined, rep: RecordReport, observed?: Span): void => {
    const end = startSpan(clock);
    if (rep.outcome === 'echo-dropped') logger.count('idempotency', 'echo-dropped');
    else if (rep.outcome === 'skipped-unchanged') logger.count('deliver', 'skipped-unchanged');
    else if (rep.outcome === 'dry-run') logger.count('deliver', 'dry-run');
    if (!trace) return;
    const mapped = traceOutcomeOf(rep.outcome);
    const note = rep.outcome === 'echo-dropped' ? `echo:${rep.reason ?? 'intent-hash'}` : mapped.note;
    trace.finish(mapped.outcome, observed ?? end(), note);
  };

  /** Phase A for one upsert: everything up to and including the recorded intent. */
  const prepare = async (
    work: RecordWork,
    record: { values: Record<string, unknown>; updatedAt?: number; archived?: true },
    trace: RecordTrace,
    hydration: Span | null,
    owner: string,
    preloaded: SyncEntity | null | undefined,
    prefetched?: ReadonlyMap<string, FoundRecord | null>,
  ): Promise<PendingWrite[] | RecordReport> => {
    const side = otherSystem(work.source);
    const flow = flows.get(FLOW_OF[work.source]);
    if (!flow) return report(work, 'no-flow');
    const endTransform = startSpan(clock);
    // Each tracked field's value and source time (HubSpot events carry both per property).
    const seen = observeRecord(work, record, {
      tracked: tracked[work.source],
      updatedAtField: settings.updatedAtField,
      ...(settings.actor ? { actor: settings.actor } : {}),
      ...(spec.hubspot.appId === undefined ? {} : { appId: spec.hubspot.appId }),
    });
    const transformed = applyTransforms(flow, seen.values);
    const fieldErrors: FieldError[] = transformed.errors;
    const transformSpan = endTransform();
    trace.mark(
      'transform',
      {
        startedAt: hydration?.startedAt ?? transformSpan.startedAt,
        durationMs: (hydration?.durationMs ?? 0) + transformSpan.durationMs,
      },
      'ok',
      `${hydration ? (record.archived ? 'hydrated-archived' : 'hydrated') : 'record-in-event'}${fieldErrors.length > 0 ? `:${fieldErrors.length}-field-errors` : ''}`,
    );
    trace.beginIdempotency();
    for (const error of fieldErrors) {
      logger.failure({
        stage: 'transform',
        kind: error.code === 'ENUM_UNMAPPED' ? 'enum-unmapped' : 'transform',
        reason: `${error.target}: ${error.code}; field left unwritten, the rest written`,
        recordId: work.objectId,
        traceId: work.latest.traceId,
      });
    }
    const shapedFirst = shapeValues(side, transformed.output);
    // Normalised for the claim (case and spacing never split one person in two); as written for
    // lookups on the other side, whose exact-match filters may care about case (job references).
    const naturalKey = normaliseNaturalKey(record.values[keyField[work.source]]);
    const rawKey = rawNaturalKey(record.values[keyField[work.source]]);

    for (let attempt = 0; attempt < 4; attempt++) {
      // The batch's read first; after a lost race (the entity changed since), a fresh read.
      const found = await lookup(work, naturalKey, attempt === 0 ? preloaded : undefined);
      // One record at a time: another worker is applying a change to this entity right now.
      if (found && leaseBusy(found.lease, owner, clock.now())) {
        return report(work, 'retry', { kongoId: found.kongoId, fieldErrors, reason: RECORD_BUSY });
      }
      if (found && found.status !== 'active' && work.action !== 'restore') {
        return report(work, 'flagged', {
          kongoId: found.kongoId,
          fieldErrors,
          reason: found.statusReason ?? found.status,
        });
      }
      if (!found && !dryRun) {
        for (const key of forgetKeys(work.source, work.objectId, record.values[keyField[work.source]])) {
          if (await store.isForgotten(integration, key)) {
            return report(work, 'ignored', { fieldErrors, reason: 'the person asked to be forgotten' });
          }
        }
      }
      let entity: SyncEntity;
      if (dryRun) {
        entity = found ?? emptyEntity(integration);
      } else {
        const identity = await claimIdentity(work, found, naturalKey);
        if ('conflict' in identity) {
          logger.failure({
            stage: 'idempotency',
            kind: 'identity-conflict',
            reason: 'two records on one side share a natural key; left for a person',
            recordId: work.objectId,
            traceId: work.latest.traceId,
          });
          return report(work, 'conflict', { fieldErrors, reason: identity.conflict });
        }
        entity = identity.entity;
      }
      crash('after-identity');
      const discovered = await discoverTarget(entity, side, rawKey, prefetched);
      entity = discovered.entity;
      const operation = entity.ids[side] === undefined ? 'create' : 'update';

      // The rule, per field: what each field's observation means, then which target fields to write.
      const now = clock.now();
      const stored = normaliseFieldState(entity.fieldState);
      // A target found by natural key: its values at its modification time are that side's base (first
      // sight), so the newer edit per field wins and a value it already holds is not written over.
      // Not when our own crashed attempt wrote there (a pending intent): that call is repeated with its key
      // and its commit releases the lease, as before.
      const targetSeen = entity.intents[side]?.status === 'pending' ? undefined : discovered.found;
      const before = targetSeen
        ? observe(
            stored,
            side,
            tracked[side]
              .filter((field) => field in targetSeen.values)
              .map((field) => ({ field, value: targetSeen.values[field], at: targetSeen.at })),
            { now, echoWindowMs: settings.echoWindowMs },
          ).state
        : stored;
      const ordered = echoesFirst(seen.observations, before, work.source);
      const observed = observe(before, work.source, ordered, { now, echoWindowMs: settings.echoWindowMs });
      // Coalesced copies: each field's value is the one its base now holds (a person's edit our write
      // landed on may be older on its side than the copy that carried our echo).
      const current = currentValues(seen.values, ordered, observed.state.base[work.source]);
      const shaped =
        current === seen.values ? shapedFirst : shapeValues(side, applyTransforms(flow, current).output);
      const decision = decide({
        state: observed.state,
        source: work.source,
        sourceValues: current,
        mapped: flow.mappings.map((m) => ({
          target: m.target,
          inputs: fieldsOf(m.value),
          value: shaped[m.target],
        })),
        verdicts: observed.verdicts,
        create: operation === 'create',
        conflicts: { windowMs: settings.conflictWindowMs, winner: settings.winner },
        ownedByTarget: notWritten[side],
        ownedBySource: ownedBy[side],
      });
      const summary = verdictSummary(observed.verdicts, decision);
      if (decision.conflicts.length > 0 && !work.latest.recheck) {
        logger.count('idempotency', 'conflict', decision.conflicts.length);
        logger.info('conflict', {
          traceId: work.latest.traceId,
          syncId: entity.kongoId,
          fields: decision.conflicts.join(','),
          winner: settings.winner,
        });
      }
      const recheck = decision.lost.length > 0 ? { side, id: entity.ids[side] } : undefined;

      let values: WriteValues = {};
      for (const field of Object.keys(decision.writes)) {
        const value = shaped[field];
        if (value !== undefined) values[field] = value;
      }
      // A person's overwritten edit goes back on its own side only if it won on the other side too
      // (not a conflict it lost, not an input that moved on): else that side keeps what it holds.
      const blocked = new Set([...decision.lost, ...decision.older]);
      // Coalesced changes are observed in order: only a field whose last verdict is 'overwritten' goes back.
      observed.restore = [...new Set(observed.restore)].filter((f) => observed.verdicts[f] === 'overwritten');
      const restorable = observed.restore.filter(
        (f) => !flow.mappings.some((m) => blocked.has(m.target) && fieldsOf(m.value).includes(f)),
      );
      for (const field of observed.restore) {
        if (restorable.includes(field)) continue;
        const held = before.base[work.source][field];
        if (held) observed.state.base[work.source][field] = held;
        else delete observed.state.base[work.source][field];
      }
      const restoreValues: WriteValues = {};
      for (const field of restorable) {
        const value = current[field];
        restoreValues[field] =
          value === undefined || value === null
            ? work.source === 'hubspot'
              ? ''
              : null
            : (value as string | number | boolean);
      }
      if (Object.keys(values).length > 0) {
        const context = { spec, kongoId: entity.kongoId, source: record.values, operation } as const;
        const hooked =
          side === 'destination'
            ? await (deps.hooks?.beforeWriteToDestination?.(values, context) ?? values)
            : await (deps.hooks?.beforeWriteToHubSpot?.(values, context) ?? values);
        if (hooked === null) return report(work, 'skipped-by-hook', { kongoId: entity.kongoId, fieldErrors });
        values = hooked;
      }
      const nothingToWrite = Object.keys(values).length === 0 && Object.keys(restoreValues).length === 0;
      if (nothingToWrite) {
        const changed = JSON.stringify(observed.state) !== JSON.stringify(stored);
        if (!dryRun && changed && entity.kongoId !== '(new)') {
          const saved = await store.saveFieldState(entity.kongoId, entity.version, observed.state, owner);
          if (!saved) continue; // someone changed the entity since we read it: decide again
        }
        if (recheck && !dryRun) await requestRecheck(recheck.side, recheck.id);
        return report(work, summary.outcome, {
          kongoId: entity.kongoId,
          fieldErrors,
          reason: summary.note,
        });
      }
      const written: WriteValues =
        side === 'hubspot' && Object.keys(values).length > 0
          ? { ...values, [spec.hubspot.syncIdProperty]: entity.kongoId }
          : values;
      const fields = Object.keys(written).sort();
      const hash = valuesHash(written, fields);
      if (dryRun) {
        return report(work, 'dry-run', {
          kongoId: entity.kongoId,
          fieldErrors,
          wouldWrite: { side, operation, values: written },
        });
      }
      const previous = entity.intents[side];
      // A pending intent with the same values is our own crashed attempt: repeat it with its key.
      const key =
        previous && previous.status === 'pending' && previous.hash === hash
          ? previous.key
          : operation === 'create'
            ? `kongo-${entity.kongoId}-create-${side}`
            : `kongo-${entity.kongoId}-${side}-v${entity.version}`;
      const fieldWrites: Record<string, FieldWrite> = {};
      for (const field of Object.keys(values)) {
        const write = decision.writes[field];
        fieldWrites[field] = { value: values[field], t: write?.t ?? now, o: write?.o ?? work.source };
      }
      let state = rememberWrites(observed.state, side, fieldWrites, key, now, settings.echoWindowMs);
      const intent: Intent = {
        hash,
        fields,
        fieldHashes: fieldHashes(written, fields),
        at: now,
        status: 'pending',
        key,
        operation,
      };
      // A person's edit that our earlier write landed on top of goes back on its own side too.
      const restoreWrites: Record<string, FieldWrite> = {};
      let restore: { side: System; intent: Intent } | undefined;
      if (Object.keys(restoreValues).length > 0 && entity.ids[work.source] !== undefined) {
        for (const [field, value] of Object.entries(restoreValues)) {
          const base = observed.state.base[work.source][field];
          restoreWrites[field] = { value, t: base?.t ?? now, o: work.source };
        }
        const restoreFields = Object.keys(restoreValues).sort();
        const restoreKey = `kongo-${entity.kongoId}-${work.source}-restore-v${entity.version}`;
        state = rememberWrites(state, work.source, restoreWrites, restoreKey, now, settings.echoWindowMs);
        restore = {
          side: work.source,
          intent: {
            hash: valuesHash(restoreValues, restoreFields),
            fields: restoreFields,
            fieldHashes: fieldHashes(restoreValues, restoreFields),
            at: now,
            status: 'pending',
            key: restoreKey,
            operation: 'update',
          },
        };
      }
      const hasMain = Object.keys(values).length > 0;
      const recorded = await store.recordIntent(entity.kongoId, entity.version, {
        side: hasMain ? side : work.source,
        intent: hasMain ? intent : (restore?.intent ?? intent),
        ...(hasMain && restore ? { restore } : {}),
        fieldState: state,
        lease: { owner, until: now + leaseMs },
      });
      if (!recorded.recorded) continue; // someone changed the entity since we read it: decide again
      crash('after-intent');
      if (recheck) await requestRecheck(recheck.side, recheck.id);
      const rep = report(work, 'delivered', { kongoId: entity.kongoId, fieldErrors, reason: summary.note });
      const out: PendingWrite[] = [];
      if (hasMain) {
        out.push({
          work,
          report: rep,
          side,
          entity: recorded.entity,
          intent,
          values: side === 'hubspot' ? values : written,
          fieldWrites,
          naturalKey: rawKey,
          trace,
          owner,
        });
      }
      if (restore) {
        out.push({
          work,
          report: rep,
          side: work.source,
          entity: recorded.entity,
          intent: restore.intent,
          values: restoreValues,
          fieldWrites: restoreWrites,
          naturalKey: null,
          trace,
          owner,
          ...(hasMain ? { companion: true as const } : {}),
        });
      }
      return out;
    }
    return report(work, 'retry', { fieldErrors, reason: 'entity kept changing under us' });
  };

  /** Asks for a fresh look at one side's record (a conflict it won must flow back to the other side). */
  const requestRecheck = async (side: System, id: string | undefined): Promise<void> => {
    if (id === undefined) return;
    try {
      let records: Array<Record<string, unknown>>;
      if (side === 'hubspot') records = [{ id, updatedAt: clock.now() }];
      else {
        const current = await deps.destination.get(id);
        if (!current) return;
        records = [{ ...current.values, [spec.destination.idField]: current.id }];
      }
      await deps.queue.send({
        v: 1,
        kind: 'poll',
        integration,
        traceId: `recheck-${randomUUID()}`,
        receivedAt: clock.now(),
        headers: {},
        body: JSON.stringify({ source: side, records, recheck: true }),
      });
    } catch (error) {
      logger.failure({
        stage: 'idempotency',
        kind: 'recheck-failed',
        reason: `could not queue a re-check after a conflict: ${describe(error)}`,
        recordId: id,
      });
    }
  };

  /** Files an outbound call's timing on each record it carried: the call's name, or why it failed. */
  const noteDelivery = (writes: PendingWrite[], span: Span, call: string): void => {
    for (const p of writes) {
      const result = p.result;
      const note = result && 'error' in result ? failureCode(result.error) : `${call}:${writes.length}`;
      p.delivery = { ...span, note: writes.length === 1 && !(result && 'error' in result) ? call : note };
    }
  };

  /** Phase B, HubSpot: updates by id and upserts by sync id, ≤ 100 inputs a call. */
  const writeHubSpot = async (pending: PendingWrite[]): Promise<void> => {
    const stringValues = (values: WriteValues): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(values)) out[k] = v === null ? '' : String(v);
      return out;
    };
    const updates = pending.filter((p) => p.entity.ids.hubspot !== undefined);
    const upserts = pending.filter((p) => p.entity.ids.hubspot === undefined);
    for (let i = 0; i < updates.length; i += 100) {
      const chunk = updates.slice(i, i + 100);
      const end = startSpan(clock);
      try {
        const result = await deps.hubspot.batchUpdate(
          chunk.map((p) => ({
            id: p.entity.ids.hubspot ?? '',
            properties: { ...stringValues(p.values), [spec.hubspot.syncIdProperty]: p.entity.kongoId },
          })),
        );
        const byId = new Map(result.records.map((r) => [r.id, r]));
        for (const p of chunk) {
          const record = byId.get(p.entity.ids.hubspot ?? '');
          const failed = result.errors.find((e) => e.ids.includes(p.entity.ids.hubspot ?? ''));
          p.result = record
            ? {
                remoteId: record.id,
                ...(record.updatedAt === undefined ? {} : { remoteUpdatedAt: record.updatedAt }),
              }
            : {
                error: new DeliveryError('hubspot', failed?.message ?? 'HubSpot did not return the record', {
                  status: 207,
                  retryable: false,
                  ...(failed?.category ? { code: failed.category } : {}),
                }),
              };
        }
      } catch (error) {
        for (const p of chunk) p.result = { error };
      }
      noteDelivery(chunk, end(), 'hubspot-batch-update');
    }
    for (let i = 0; i < upserts.length; i += 100) {
      const chunk = upserts.slice(i, i + 100);
      const end = startSpan(clock);
      try {
        const result = await deps.hubspot.batchUpsert(
          chunk.map((p) => ({ syncId: p.entity.kongoId, properties: stringValues(p.values) })),
        );
        const bySyncId = new Map(
          result.records.map((r) => [r.properties[spec.hubspot.syncIdProperty] ?? '', r]),
        );
        chunk.forEach((p, index) => {
          const record =
            bySyncId.get(p.entity.kongoId) ??
            (result.errors.length === 0 ? result.records[index] : undefined);
          const failed = result.errors.find((e) => e.ids.includes(p.entity.kongoId));
          p.result = record
            ? {
                remoteId: record.id,
                ...(record.updatedAt === undefined ? {} : { remoteUpdatedAt: record.updatedAt }),
              }
            : {
                error: new DeliveryError('hubspot', failed?.message ?? 'HubSpot did not return the record', {
                  status: 207,
                  retryable: false,
                  ...(failed?.category ? { code: failed.category } : {}),
                }),
              };
        });
      } catch (error) {
        for (const p of chunk) p.result = { error };
      }
      noteDelivery(chunk, end(), 'hubspot-batch-upsert');
    }
  };

  /**
   * Phase B, destination: the port has no batch write, so records are written concurrently, at most
   * `destinationConcurrency` at a time (the client's retry and rate budget pace each call).
   */
  const writeDestinations = async (pending: PendingWrite[]): Promise<void> => {
    let next = 0;
    const lane = async () => {
      for (let p = pending[next++]; p !== undefined; p = pending[next++]) await writeDestination(p);
    };
    await Promise.all(Array.from({ length: Math.min(destinationConcurrency, pending.length) }, lane));
  };

  /** Phase B, destination: one call per record; a rolled id is followed by natural key. */
  const writeDestination = async (p: PendingWrite): Promise<void> => {
    const end = startSpan(clock);
    try {
      await writeDestinationOnce(p);
    } finally {
      noteDelivery([p], end(), `destination-${p.entity.ids.destination === undefined ? 'create' : 'update'}`);
    }
  };
  const writeDestinationOnce = async (p: PendingWrite): Promise<void> => {
    try {
      const id = p.entity.ids.destination;
      if (id === undefined) {
        const created = await deps.destination.create(p.values, { idempotencyKey: p.intent.key });
        p.result = {
          remoteId: created.id,
          ...(created.updatedAt === undefined ? {} : { remoteUpdatedAt: created.updatedAt }),
        };
        return;
      }
      let updated = await deps.destination.update(id, p.values, { idempotencyKey: `${p.intent.key}@${id}` });
      if (!updated && p.naturalKey !== null) {
        // NOT_FOUND: the destination re-issued the id. Follow it by natural key; record the drift.
        const current = await deps.destination.findByNaturalKey(p.naturalKey);
        if (current) {
          // The moved entity: the commit then sees the id it already carries (and counts only new drift).
          p.entity = await store.replaceId(p.entity.kongoId, 'destination', current.id, 'id-rolled');
          logger.record('idempotency', 'delivered', {
            kind: 'id-drift',
            system: 'destination',
            syncId: p.entity.kongoId,
          });
          updated = await deps.destination.update(current.id, p.values, {
            idempotencyKey: `${p.intent.key}@${current.id}`,
          });
        }
      }
      p.result = updated
        ? {
            remoteId: updated.id,
            ...(updated.updatedAt === undefined ? {} : { remoteUpdatedAt: updated.updatedAt }),
          }
        : {
            error: new DeliveryError('destination', `record ${id} is gone`, {
              status: 404,
              retryable: false,
              code: 'NOT_FOUND',
            }),
          };
    } catch (error) {
      p.result = { error };
    }
  };

  /** Narrows an envelope to one record's events so a dead letter replays just that record. */
  const envelopeFor = (envelope: QueueEnvelope, work: RecordWork): QueueEnvelope => {
    try {
      const body = JSON.parse(envelope.body) as unknown;
      if (envelope.kind === 'hubspot-webhook' && Array.isArray(body)) {
        const mine = body.filter(
          (e: unknown) =>
            typeof e === 'object' &&
            e !== null &&
            String((e as { objectId?: unknown }).objectId) === work.objectId,
        );
        return { ...envelope, body: JSON.stringify(mine) };
      }
    } catch {
      // keep the whole envelope
    }
    return envelope;
  };

  /** Opens the trace of one record (or one duplicate event) of a message. */
  const openTrace = (arrival: Arrival, event: InboundEvent, anonymous = false): RecordTrace =>
    RecordTrace.open(logger, clock, arrival, {
      objectId: event.objectId,
      direction: FLOW_OF[event.source],
      ...(event.source === 'hubspot' ? { objectType: spec.hubspot.objectType } : {}),
      occurredAt: event.occurredAt,
      eventType: event.type,
      ...(anonymous ? { anonymous } : {}),
    });

  /** Stage 1, per message: pause, split, quarantine the unreadable, claim each event (dedupe). */
  const intakeMessage = async (
    message: ReceivedMessage,
    outcome: BatchOutcome,
  ): Promise<{ state: MessageState; events: InboundEvent[]; claimMs: Map<InboundEvent, number> } | null> => {
    const { envelope } = message;
    if (deps.isPaused && (await deps.isPaused())) {
      // Not traced: the change has not happened yet as far as the anatomy goes; it is traced when it runs.
      await deps.queue.retryLater(message, options.pausedDelayMs ?? 5_000);
      outcome.paused++;
      outcome.failedMessageIds.push(message.messageId);
      logger.count('queue', 'paused');
      return null;
    }
    const arrival = arrivalOf(message, clock.now());
    const split = splitEnvelope(envelope, spec, deps.connector);
    if (split.malformed.length > 0) {
      // Signed but unreadable: quarantined whole for people, never dropped; readable siblings go on.
      const endQuarantine = startSpan(clock);
      if (!dryRun) {
        await deps.deadLetters.put({
          integration,
          reason: `malformed: ${split.malformed.map((m) => m.reason).join('; ')}`,
          kind: envelope.kind,
          failedAt: clock.now(),
          attempts: message.receiveCount,
          envelope,
        });
      }
      outcome.quarantined++;
      logger.record('queue', 'quarantined', { traceId: envelope.traceId, messageId: message.messageId });
      const quarantine = RecordTrace.open(logger, clock, arrival, {
        objectId: 'malformed',
        direction: envelope.kind === 'hubspot-webhook' ? 'hubspot-to-destination' : 'destination-to-hubspot',
        occurredAt: envelope.receivedAt,
        eventType: envelope.kind,
        anonymous: true,
      });
      quarantine.mark(
        'transform',
        { startedAt: arrival.pickedAt, durationMs: 0 },
        'failed',
        'malformed-body',
      );
      quarantine.finish('quarantined', endQuarantine());
    }
    outcome.events += split.events.length;
    const fresh: InboundEvent[] = [];
    const claimMs = new Map<InboundEvent, number>();
    for (const event of split.events) {
      const endClaim = startSpan(clock);
      const claim =
        dryRun || envelope.kind === 'replay'
          ? 'new'
          : await store.claimEvent(
              integration,
              event.key,
              message.messageId,
              clock.now() + event.dedupeTtlMs,
            );
      const claimSpan = endClaim();
      if (claim === 'new') {
        fresh.push(event);
        claimMs.set(event, claimSpan.durationMs);
      } else {
        outcome.duplicates++;
        logger.record('idempotency', 'duplicate-ignored', { traceId: event.traceId, eventType: event.type });
        const duplicate = openTrace(arrival, event);
        duplicate.mark('idempotency', claimSpan, 'ok', 'event-already-claimed');
        duplicate.finish('duplicate-ignored', undefined, 'duplicate-event');
      }
    }
    return { state: { message, arrival, records: [] }, events: fresh, claimMs };
  };

  /**
   * Stage 2, across the whole batch: every change to one record, from whichever messages, becomes one
   * unit of work (its events oldest first; the rule decides per field which value wins). Its lease
   * owner is the message holding its newest event.
   */
  const coalesce = (
    intakes: Array<{ state: MessageState; events: InboundEvent[]; claimMs: Map<InboundEvent, number> }>,
  ): BatchRecord[] => {
    const messageOf = new Map<InboundEvent, MessageState>();
    const claimMs = new Map<InboundEvent, number>();
    for (const intake of intakes) {
      for (const event of intake.events) {
        messageOf.set(event, intake.state);
        claimMs.set(event, intake.claimMs.get(event) ?? 0);
      }
    }
    const records: BatchRecord[] = [];
    for (const work of planRecords([...messageOf.keys()])) {
      const messages = [...new Set(work.events.map((e) => messageOf.get(e)).filter((m) => m !== undefined))];
      const home = messageOf.get(work.latest) ?? messages[0];
      if (!home) continue;
      const trace = openTrace(home.arrival, work.latest, work.action === 'privacy-deletion');
      for (const event of work.events) trace.addClaim(claimMs.get(event) ?? 0);
      const record: BatchRecord = {
        work,
        messages,
        home,
        trace,
        status: { kind: 'open' },
        pending: [],
        concluded: false,
      };
      for (const m of messages) m.records.push(record);
      records.push(record);
    }
    return records;
  };

  /** Ends a record: its report (once, however many messages carried it) and its trace. */
  const settle = (record: BatchRecord, rep: RecordReport, outcome: BatchOutcome, observed?: Span): void => {
    if (record.concluded) return;
    record.concluded = true;
    record.status = { kind: 'done' };
    outcome.records.push(rep);
    conclude(record.trace, rep, observed);
  };

  /**
   * Stage 4: our own HubSpot writes come back as creation + one propertyChange per property, each
   * with the value and changeSource/sourceId naming our app: dropped without a read, from the
   * entity the batch read already holds.
   */
  const dropEchoesFromEvents = async (
    records: BatchRecord[],
    entities: Map<string, SyncEntity>,
    outcome: BatchOutcome,
  ): Promise<void> => {
    await forEachLimit(records, recordConcurrency, async (record) => {
      const w = record.work;
      if (w.source !== 'hubspot' || w.action !== 'upsert') return;
      const ours = w.events.every((e) =>
        isOurSource({
          ...(e.changeSource === undefined ? {} : { changeSource: e.changeSource }),
          ...(e.sourceId === undefined ? {} : { sourceId: e.sourceId }),
          appId: spec.hubspot.appId,
        }),
      );
      if (!ours) return;
      const entity = entities.get(refKey({ system: 'hubspot', id: w.objectId }));
      // Provenance first: HubSpot says our app made every change. Each event carries the property's
      // value: the base moves to it (and the matching written value is used up) without a read.
      if (!entity) return;
      const checkedAt = clock.now();
      record.trace.beginIdempotency();
      if (leaseBusy(entity.lease, record.home.message.messageId, clock.now())) {
        record.status = { kind: 'busy' }; // our write is still committing: look again shortly, no read
        record.trace.endIdempotency('ok', RECORD_BUSY);
        return;
      }
      const onlyValues = w.events.every(
        (e) =>
          e.type.endsWith('.creation') || (e.changedProperty !== undefined && e.changedValue !== undefined),
      );
      if (!onlyValues) return;
      const observations = w.events.flatMap((e) =>
        e.changedProperty !== undefined &&
        e.changedValue !== undefined &&
        tracked.hubspot.includes(e.changedProperty)
          ? [
              {
                field: e.changedProperty,
                value: e.changedValue,
                at: e.occurredAt,
                provenance: 'ours' as const,
              },
            ]
          : [],
      );
      const before = normaliseFieldState(entity.fieldState);
      const historyMatched = observations.every((o) =>
        (before.echoes.hubspot[o.field] ?? []).some((e) => e.h === fieldHash(o.value) && !e.u),
      );
      const observed = observe(before, 'hubspot', observations, {
        now: clock.now(),
        echoWindowMs: settings.echoWindowMs,
      });
      if (!dryRun && JSON.stringify(observed.state) !== JSON.stringify(before)) {
        try {
          const saved = await store.saveFieldState(
            entity.kongoId,
            entity.version,
            observed.state,
            record.home.message.messageId,
          );
          if (!saved) return; // decided again on the ordinary path
        } catch {
          return; // the store's trouble shows (and is retried) on the ordinary path
        }
      }
      const rep = report(w, 'echo-dropped', {
        kongoId: entity.kongoId,
        reason: historyMatched ? 'field-hash+source' : 'source',
      });
      record.trace.mark('transform', { startedAt: checkedAt, durationMs: 0 }, 'skipped', 'echo-from-event');
      record.trace.endIdempotency('ok', idempotencyNote(rep));
      settle(record, rep, outcome);
    });
  };

  /**
   * Before a create in HubSpot Kongo looks for the contact by natural key (discoverTarget). For a
   * batch of new destination records (an import, a bulk create) those lookups go in HubSpot batch
   * reads by the key property, ≤ 100 keys a call, instead of one call per record. Keyed by the
   * lowercased key; null = read, not there. A failed read leaves the lookups to each record.
   */
  const prefetchHubSpotKeys = async (
    records: BatchRecord[],
    entities: Map<string, SyncEntity>,
    hydrated: Map<RecordWork, HydrateOutcome>,
  ): Promise<Map<string, FoundRecord | null>> => {
    const found = new Map<string, FoundRecord | null>();
    if (dryRun) return found;
    const keys = new Set<string>();
    for (const r of records) {
      const w = r.work;
      if (r.status.kind !== 'open' || w.source !== 'destination' || w.action !== 'upsert') continue;
      if (entities.has(refKey({ system: w.source, id: w.objectId }))) continue;
      const h = hydrated.get(w);
      const key = h?.ok ? rawNaturalKey(h.record.values[keyField.destination]) : null;
      if (key !== null) keys.add(key);
    }
    if (keys.size < 2) return found; // one record: its own lookup, as before
    const all = [...keys];
    for (let i = 0; i < all.length; i += 100) {
      const chunk = all.slice(i, i + 100);
      try {
        // With the tracked properties: a contact so found is its side's first sight (W2).
        const read = await deps.hubspot.batchRead(chunk, hubspotProperties, {
          idProperty: keyField.hubspot,
        });
        for (const key of chunk) found.set(key.toLowerCase(), null);
        for (const record of read.records) {
          const value = record.properties[keyField.hubspot];
          if (typeof value === 'string')
            found.set(value.toLowerCase(), {
              id: record.id,
              values: record.properties,
              ...(record.updatedAt === undefined ? {} : { updatedAt: record.updatedAt }),
            });
        }
      } catch {
        // Each record looks itself up (and reports the failure where it belongs).
      }
    }
    return found;
  };

  /** Stage 6, per record: lifecycle actions, or the rule and the recorded intent (prepare). */
  const decideRecords = async (
    records: BatchRecord[],
    entities: Map<string, SyncEntity>,
    hydrated: Map<RecordWork, HydrateOutcome>,
    hydration: Span,
    outcome: BatchOutcome,
  ): Promise<void> => {
    const prefetched = await prefetchHubSpotKeys(records, entities, hydrated);
    // Records are distinct (coalesced), so they are decided side by side; two records of one entity
    // (both sides changed) race on its version and lease, and the loser waits (record-busy).
    await forEachLimit(records, recordConcurrency, async (record) => {
      if (record.status.kind !== 'open') return;
      const w = record.work;
      const trace = record.trace;
      try {
        if (w.action !== 'upsert' && w.action !== 'restore') {
          const endLifecycle = startSpan(clock);
          const rep = await handleLifecycle(w, { ...deps, dryRun, report });
          const lifecycle = endLifecycle();
          // Deletes, merges and privacy deletions map nothing: identity and delivery are one step here.
          trace.mark('transform', { startedAt: lifecycle.startedAt, durationMs: 0 }, 'skipped', w.action);
          trace.mark('idempotency', { startedAt: lifecycle.startedAt, durationMs: 0 }, 'skipped', w.action);
          trace.mark('deliver', lifecycle, 'ok', `${w.action}:${rep.outcome}`);
          settle(record, rep, outcome);
          return;
        }
        const h = hydrated.get(w);
        if (h === undefined) {
          settle(record, report(w, 'gone'), outcome);
          return;
        }
        if (!h.ok) {
          trace.mark('transform', hydration, 'failed', h.reason === 'failed' ? 'hydrate-failed' : 'gone');
          if (h.reason === 'failed') record.status = { kind: 'failed', error: h.error, stage: 'transform' };
          else settle(record, report(w, 'gone'), outcome);
          return;
        }
        // Deleted in HubSpot since (W1): its changes before the delete apply, then the deletion event
        // applies the policy. Under `propagate` a record Kongo never synced is not created only to be deleted.
        if (
          h.record.archived &&
          spec.policies.deletes === 'propagate' &&
          !entities.get(refKey({ system: w.source, id: w.objectId }))
        ) {
          trace.mark('transform', hydration, 'ok', 'hydrated-archived');
          const reason = 'deleted in hubspot before its first sync; delete policy propagate';
          settle(record, report(w, 'gone', { reason }), outcome);
          return;
        }
        if (w.action === 'restore') await handleLifecycle(w, { ...deps, dryRun, report });
        const readHere = w.latest.record === undefined;
        const prepared = await prepare(
          w,
          h.record,
          trace,
          readHere ? hydration : null,
          record.home.message.messageId,
          // Restores relink first: read again. Else the batch's read (null: no entity holds the id).
          w.action === 'restore'
            ? undefined
            : (entities.get(refKey({ system: w.source, id: w.objectId })) ?? null),
          prefetched,
        );
        if (Array.isArray(prepared)) {
          const first = prepared[0];
          // Only the notable is noted: some fields stale or in conflict (a replay applied field by field).
          const fieldsNote = first?.report.reason ?? '';
          first?.trace.endIdempotency(
            'ok',
            /stale|conflict/.test(fieldsNote)
              ? `${first?.intent.operation}:${fieldsNote}`
              : (first?.intent.operation ?? ''),
          );
          record.pending = prepared;
          record.status = { kind: 'pending' };
        } else if (prepared.outcome === 'retry' && prepared.reason === RECORD_BUSY) {
          trace.endIdempotency('ok', RECORD_BUSY);
          record.status = { kind: 'busy' };
        } else if (prepared.outcome === 'retry') {
          trace.endIdempotency('failed', 'entity-kept-changing');
          record.status = { kind: 'retryable' };
        } else {
          trace.endIdempotency('ok', idempotencyNote(prepared));
          settle(record, prepared, outcome);
        }
      } catch (error) {
        if (error instanceof DeliveryError) trace.failedCall(failureCode(error));
        record.status = {
          kind: 'failed',
          error,
          stage: error instanceof DeliveryError ? 'deliver' : 'idempotency',
        };
      }
    });
  };

  /**
   * Stage 8: what landed is committed — the intent, each written field's base and the lease's
   * release in one conditional write per record; what did not is marked failed (retried or
   * dead-lettered with its messages in stage 9).
   */
  const commitRecords = async (records: BatchRecord[], outcome: BatchOutcome): Promise<void> => {
    const all = records.flatMap((r) => r.pending);
    // The last write of each entity in this batch releases its lease with its commit.
    const lastOf = new Map<string, PendingWrite>();
    for (const p of all) if (!(p.result && 'superseded' in p.result)) lastOf.set(p.entity.kongoId, p);
    const released = new Set<string>();
    const leased = new Map<string, string>();
    for (const record of records) {
      for (const p of record.pending) {
        leased.set(p.entity.kongoId, p.owner);
        const result = p.result;
        if (result && 'superseded' in result) {
          if (p.companion) continue;
          settle(record, { ...p.report, reason: 'superseded by a newer change in the same batch' }, outcome);
          continue;
        }
        if (p.delivery && !p.companion) {
          const ok = result !== undefined && !('error' in result);
          p.trace.mark('deliver', p.delivery, ok ? 'ok' : 'failed', p.delivery.note);
        }
        if (!result || 'error' in result) {
          if (record.status.kind !== 'failed')
            record.status = {
              kind: 'failed',
              error: result?.error ?? new Error('no outbound result'),
              stage: 'deliver',
            };
          continue;
        }
        const endObserve = startSpan(clock);
        const releases = lastOf.get(p.entity.kongoId) === p;
        try {
          const committed = await store.commitIntent(p.entity.kongoId, {
            side: p.side,
            key: p.intent.key,
            hash: p.intent.hash,
            // Only a new id is written (a create, a rolled id): steady-state updates touch no MAP item.
            ...(p.entity.ids[p.side] === result.remoteId ? {} : { remoteId: result.remoteId }),
            ...(result.remoteUpdatedAt === undefined ? {} : { remoteUpdatedAt: result.remoteUpdatedAt }),
            // What the target holds now, with the time of the edit each value came from.
            base: committedBase(p.fieldWrites, result.remoteUpdatedAt),
            ...(releases ? { releaseLease: p.owner } : {}),
          });
          if (releases) released.add(p.entity.kongoId);
          // The update answered with a re-issued id: the commit followed it (drift 'id-rolled').
          if (committed && committed.drift.length > p.entity.drift.length)
            logger.record('idempotency', 'delivered', {
              kind: 'id-drift',
              system: p.side,
              syncId: p.entity.kongoId,
            });
          if (p.companion || record.status.kind === 'failed') continue;
          logger.record('deliver', 'delivered', {
            traceId: p.work.latest.traceId,
            system: p.side,
            syncId: p.entity.kongoId,
            recordId: p.work.objectId,
          });
          record.concluded = true;
          record.status = { kind: 'done' };
          outcome.records.push(p.report);
          p.trace.finish('landed', endObserve());
        } catch (error) {
          record.status = { kind: 'failed', error, stage: 'observe' };
        }
      }
    }
    // A lease not released with a commit (a failed call, a failed commit): released on its own, so the
    // next change to the record may go ahead (a crash instead leaves the lease to expire).
    for (const [kongoId, owner] of leased) {
      if (released.has(kongoId)) continue;
      try {
        await store.releaseLease(kongoId, owner);
      } catch (error) {
        logger.warn('lease not released; it expires on its own', {
          syncId: kongoId,
          reason: describe(error),
        });
      }
    }
  };

  /** Stage 9, per message: ack, or retry later, or dead-letter its failed records one by one. */
  const finishMessage = async (state: MessageState, outcome: BatchOutcome): Promise<void> => {
    const { message } = state;
    const { envelope } = message;
    const failed: FailedRecord[] = [];
    const retryable: BatchRecord[] = [];
    const busy: BatchRecord[] = [];
    for (const record of state.records) {
      const status = record.status;
      if (status.kind === 'failed') failed.push({ record, error: status.error, stage: status.stage });
      else if (status.kind === 'retryable') retryable.push(record);
      else if (status.kind === 'busy') busy.push(record);
    }
    const once = (
      record: BatchRecord,
      rep: RecordReport,
      traceOutcome: 'retried' | 'dead-lettered',
      note: string,
      observed?: Span,
    ) => {
      if (record.concluded) return;
      record.concluded = true;
      outcome.records.push(rep);
      record.trace.finish(traceOutcome, observed, note);
    };

    // Retryable failures retry the whole message while it has deliveries left (siblings that
    // landed are skipped next time as unchanged); after that, each failed record is dead-lettered.
    // Records another worker was busy with wait their turn and never count as failures.
    const transient = failed.filter((f) => !(f.error instanceof DeliveryError) || f.error.retryable);
    const retryAll = (transient.length > 0 || retryable.length > 0) && message.receiveCount < maxReceives;
    if (retryAll || (busy.length > 0 && message.receiveCount < maxReceives)) {
      for (const f of failed) {
        if (f.record.concluded) continue;
        logger.record('deliver', 'retried', {
          traceId: f.record.work.latest.traceId,
          reason: describe(f.error),
        });
        logger.failure({
          stage: f.stage,
          kind: failureKind(f.error),
          reason: `${describe(f.error)}; retrying (attempt ${message.receiveCount} of ${maxReceives})`,
          recordId: f.record.work.objectId,
          traceId: f.record.work.latest.traceId,
        });
      }
      const endRetry = startSpan(clock);
      const delay = retryAll ? retryDelayMs * 2 ** (message.receiveCount - 1) : busyDelayMs;
      await deps.queue.retryLater(message, delay);
      const observed = endRetry();
      for (const f of failed)
        once(f.record, report(f.record.work, 'retry'), 'retried', failureCode(f.error), observed);
      for (const r of retryable)
        once(r, report(r.work, 'retry'), 'retried', 'entity-kept-changing', observed);
      for (const r of busy)
        once(r, report(r.work, 'retry', { reason: RECORD_BUSY }), 'retried', RECORD_BUSY, observed);
      outcome.retried++;
      outcome.failedMessageIds.push(message.messageId);
      return;
    }
    // Out of deliveries with records still waiting for another worker: they go on in a message of
    // their own (a replay: its events are already claimed), never to the dead letters.
    for (const r of busy) {
      await deps.queue.send({
        ...envelopeFor(envelope, r.work),
        kind: 'replay',
        headers: {
          ...envelope.headers,
          'x-kongo-replay-of':
            envelope.kind === 'replay' ? (envelope.headers['x-kongo-replay-of'] ?? '') : envelope.kind,
        },
      });
      once(r, report(r.work, 'retry', { reason: RECORD_BUSY }), 'retried', RECORD_BUSY);
    }
    for (const f of [
      ...failed,
      ...retryable.map(
        (record): FailedRecord => ({
          record,
          error: new Error('entity kept changing'),
          stage: 'idempotency',
        }),
      ),
    ]) {
      const w = f.record.work;
      const reason = describe(f.error);
      logger.failure({
        stage: f.stage,
        kind: failureKind(f.error),
        reason: `${reason}; dead-lettered after ${message.receiveCount} attempt${message.receiveCount === 1 ? '' : 's'}`,
        recordId: w.objectId,
        traceId: w.latest.traceId,
      });
      const endLetter = startSpan(clock);
      if (!dryRun) {
        await deps.deadLetters.put({
          integration,
          reason,
          kind: envelope.kind,
          failedAt: clock.now(),
          attempts: message.receiveCount,
          envelope: envelopeFor(envelope, w),
          recordId: w.objectId,
        });
      }
      logger.record('deliver', 'dead-lettered', { traceId: w.latest.traceId, recordId: w.objectId, reason });
      once(
        f.record,
        report(w, 'dead-lettered', { reason }),
        'dead-lettered',
        failureCode(f.error),
        endLetter(),
      );
    }
    crash('before-ack');
    await deps.queue.ack(message);
    outcome.acked++;
  };

  return {
    hubspotProperties,
    destinationFields,
    /**
     * The stages, in order, over the whole batch of queue messages: intake per message → coalesce per
     * record → one batch read of identities, per-field state and leases → echoes from HubSpot events
     * → hydrate (HubSpot batch read ≤ 100) → decide per record (the rule) and record each intent →
     * deliver (HubSpot batch update/upsert ≤ 100; destination concurrently) → commit per record →
     * ack / retry / dead-letter per message.
     */
    async processMessages(messages) {
      const outcome: BatchOutcome = {
        failedMessageIds: [],
        messages: messages.length,
        acked: 0,
        retried: 0,
        paused: 0,
        quarantined: 0,
        events: 0,
        duplicates: 0,
        records: [],
      };
      dryRun = typeof options.dryRun === 'function' ? await options.dryRun() : (options.dryRun ?? false);
      // 1. Intake, message by message.
      const intakes = [];
      for (const message of messages) {
        const intake = await intakeMessage(message, outcome);
        if (intake) intakes.push(intake);
      }
      crash('after-dedupe');
      // 2. Coalesce: one unit of work per record across the batch.
      const records = coalesce(intakes);
      // 3. Identities, per-field state and leases of every record in one batch read.
      const refs = records
        .filter((r) => r.work.action === 'upsert')
        .map((r) => ({ system: r.work.source, id: r.work.objectId }));
      let entities = new Map<string, SyncEntity>();
      try {
        if (refs.length > 0) entities = await store.resolveMany(integration, refs);
      } catch (error) {
        // The store's trouble: each record reads again on its own path (and fails there, retried).
        logger.warn('batch read of identities failed; reading record by record', { reason: describe(error) });
      }
      // 4. Echoes of our own HubSpot writes, from the events alone.
      await dropEchoesFromEvents(records, entities, outcome);
      // 5. Hydrate what the events did not carry.
      const endHydrate = startSpan(clock);
      const hydrated = await hydrate(
        records.filter((r) => r.status.kind === 'open').map((r) => r.work),
        { hubspot: deps.hubspot, destination: deps.destination, hubspotProperties },
      );
      const hydration = endHydrate();
      crash('after-hydrate');
      // 6. Decide per record and record each intent (with its lease).
      await decideRecords(records, entities, hydrated, hydration, outcome);
      // 7. Deliver across the whole batch. Of several writes to one entity's side only the newest
      // (whose intent is the recorded one) is sent.
      const newest = new Map<string, PendingWrite>();
      for (const p of records.flatMap((r) => r.pending)) {
        const key = `${p.entity.kongoId}:${p.side}`;
        const older = newest.get(key);
        if (older) older.result = { superseded: true };
        newest.set(key, p);
      }
      const writes = [...newest.values()];
      await Promise.all([
        writeHubSpot(writes.filter((p) => p.side === 'hubspot')),
        writeDestinations(writes.filter((q) => q.side === 'destination')),
      ]);
      crash('after-outbound');
      // 8. Commit what landed (with the lease's release).
      await commitRecords(records, outcome);
      crash('after-commit');
      // 9. Per message: ack, retry or dead-letter.
      for (const intake of intakes) await finishMessage(intake.state, outcome);
      return outcome;
    },
  };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The record's values with each observed field at the value its base holds after `observe` (the last
 * observation carrying that value): the same object when nothing differs.
 */
function currentValues(
  values: Record<string, unknown>,
  observations: readonly FieldObservation[],
  base: Record<string, FieldBase>,
): Record<string, unknown> {
  let out = values;
  for (const o of observations) {
    const held = base[o.field];
    if (!held || held.h !== fieldHash(o.value) || fieldHash(values[o.field]) === held.h) continue;
    if (out === values) out = { ...values };
    out[o.field] = o.value;
  }
  return out;
}

function rawNaturalKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

function emptyEntity(integration: string): SyncEntity {
  return {
    kongoId: '(new)',
    integration,
    version: 0,
    createdAt: 0,
    updatedAt: 0,
    ids: {},
    lastApplied: {},
    intents: {},
    written: {},
    drift: [],
    status: 'active',
  };
}

function describe(error: unknown): string {
  if (error instanceof DeliveryError)
    return `${error.side} ${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A short code for a failure, fit for a trace note: `http-429`, `destination-NOT_FOUND`, `timeout` … */
function failureCode(error: unknown): string {
  if (error instanceof DeliveryError) {
    if (error.status === 0) return `${error.side}-timeout-or-connection`;
    return `${error.side}-http-${error.status}${error.code ? `-${error.code}` : ''}`;
  }
  return error instanceof Error ? error.name : 'error';
}

/**
 * The failure's code as a monitor kind: lower case, `[a-z0-9._-]`, at most 64 characters — what the
 * Notification Centre accepts (`destination-http-400-invalid_token`).
 */
function failureKind(error: unknown): string {
  const kind = failureCode(error)
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return (kind || 'error').slice(0, 64);
}

/** Why the record-level idempotency checks stopped a record: the note on its idempotency stage. */
function idempotencyNote(rep: RecordReport): string {
  switch (rep.outcome) {
    case 'echo-dropped':
      return `echo:${rep.reason ?? 'intent-hash'}`;
    case 'stale':
      return 'older-than-applied';
    case 'skipped-unchanged':
      return 'unchanged-since-last-write';
    default:
      return rep.outcome;
  }
}

/** How a record's field verdicts read as one outcome, and the note its trace and report carry. */
function verdictSummary(
  verdicts: Record<string, FieldVerdict>,
  decision: Decision,
): { outcome: 'echo-dropped' | 'stale' | 'skipped-unchanged'; note: string } {
  const all = Object.values(verdicts);
  const count = (v: FieldVerdict) => all.filter((x) => x === v).length;
  const changed = count('changed') + count('overwritten');
  const stale = count('stale') + decision.older.length;
  const parts: string[] = [];
  if (Object.keys(decision.writes).length > 0) parts.push(`applied-${Object.keys(decision.writes).length}`);
  if (stale > 0) parts.push(`stale-${stale}`);
  if (count('echo') > 0) parts.push(`echo-${count('echo')}`);
  if (decision.conflicts.length > 0)
    parts.push(`conflict-${decision.conflicts.length}${decision.lost.length > 0 ? '-lost' : '-won'}`);
  const note = parts.join(',') || 'unchanged';
  const writes = Object.keys(decision.writes).length;
  // A change older than what its field holds is reported as such (superseded on the centre) even when
  // an echo of ours came in the same coalesced record.
  if (count('stale') > 0 && writes === 0) return { outcome: 'stale', note };
  if (count('echo') > 0 && changed === 0) return { outcome: 'echo-dropped', note: 'field-history' };
  if (stale > 0 && writes === 0) return { outcome: 'stale', note };
  return { outcome: 'skipped-unchanged', note };
}
