/**
 * The worker: queued envelopes → records delivered to the other side, exactly once in effect.
 * Per message: split → dedupe → order → hydrate; per record: transform → identity lookup → echo
 * guard → order check → identity claim → intent → outbound (HubSpot in batches of ≤ 100) → commit.
 * Every race is decided by a conditional write in the mapping store; every crash between two steps
 * is repaired by the next delivery of the same message (see docs/RUNTIME.md).
 */
import { randomUUID } from 'node:crypto';
import { observeRecord, trackedFields } from '../convergence/observations.ts';
import {
  committedBase,
  type Decision,
  decide,
  type FieldVerdict,
  type FieldWrite,
  observe,
  rememberWrites,
} from '../convergence/rules.ts';
import { convergenceSettings } from '../convergence/settings.ts';
import { leaseBusy, normaliseFieldState } from '../convergence/state.ts';
import { isOurSource } from '../echo/guard.ts';
import { fieldHash, fieldHashes, valuesHash } from '../echo/hash.ts';
import { applyTransforms, type FieldError, fieldsOf, sourceFields } from '../formulas/index.ts';
import { hydrate } from '../intake/hydrate.ts';
import { planRecords, type RecordWork } from '../intake/plan.ts';
import { type InboundEvent, splitEnvelope } from '../intake/split.ts';
import { normaliseNaturalKey } from '../mapping-store/keys.ts';
import { type Intent, otherSystem, type SyncEntity, type System } from '../mapping-store/types.ts';
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
interface FailedRecord {
  work: RecordWork;
  error: unknown;
  stage: 'transform' | 'idempotency' | 'deliver' | 'observe';
}

/** One message between the phases. */
interface MessageState {
  message: ReceivedMessage;
  pending: PendingWrite[];
  failed: FailedRecord[];
  retryable: RecordWork[];
  /** Records another worker was applying a change to: looked at again shortly. */
  busy: RecordWork[];
  traces: Map<RecordWork, RecordTrace>;
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

  /** MAP lookup, else the natural key's holder. Read-only: decides nothing yet. */
  const lookup = async (work: RecordWork, naturalKey: string | null): Promise<SyncEntity | null> => {
    const byId = await store.resolve(integration, work.source, work.objectId);
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

  /** The target's id when we don't know it yet: look it up by natural key before any create. */
  const discoverTarget = async (
    entity: SyncEntity,
    side: System,
    naturalKey: string | null,
  ): Promise<SyncEntity> => {
    if (entity.ids[side] !== undefined || naturalKey === null) return entity;
    let foundId: string | undefined;
    if (side === 'destination') foundId = (await deps.destination.findByNaturalKey(naturalKey))?.id;
    else {
      // Batch read by a unique property is read-your-writes, unlike search (which lags). Contact
      // email is unique; on other objects the key must be a unique-value property, else HubSpot
      // answers 400 and the upsert on the sync id decides alone.
      try {
        const read = await deps.hubspot.batchRead([naturalKey], [keyField.hubspot], {
          idProperty: keyField.hubspot,
        });
        foundId = read.records[0]?.id;
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.status !== 400) throw error;
      }
    }
    if (foundId === undefined || dryRun) return entity;
    const link = await store.linkId(entity.kongoId, side, foundId);
    return link.entity;
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
    record: { values: Record<string, unknown>; updatedAt?: number },
    trace: RecordTrace,
    hydration: Span | null,
    owner: string,
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
      `${hydration ? 'hydrated' : 'record-in-event'}${fieldErrors.length > 0 ? `:${fieldErrors.length}-field-errors` : ''}`,
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
    const shaped = shapeValues(side, transformed.output);
    // Normalised for the claim (case and spacing never split one person in two); as written for
    // lookups on the other side, whose exact-match filters may care about case (job references).
    const naturalKey = normaliseNaturalKey(record.values[keyField[work.source]]);
    const rawKey = rawNaturalKey(record.values[keyField[work.source]]);

    for (let attempt = 0; attempt < 4; attempt++) {
      const found = await lookup(work, naturalKey);
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
      entity = await discoverTarget(entity, side, rawKey);
      const operation = entity.ids[side] === undefined ? 'create' : 'update';

      // The rule, per field: what each field's observation means, then which target fields to write.
      const now = clock.now();
      const before = normaliseFieldState(entity.fieldState);
      const observed = observe(before, work.source, seen.observations, {
        now,
        echoWindowMs: settings.echoWindowMs,
      });
      const decision = decide({
        state: observed.state,
        source: work.source,
        sourceValues: seen.values,
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
        const value = seen.values[field];
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
        const changed = JSON.stringify(observed.state) !== JSON.stringify(before);
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

  /** Phase A for one message: split, dedupe, order, hydrate, and prepare each record up to its intent. */
  const prepareMessage = async (
    message: ReceivedMessage,
    outcome: BatchOutcome,
  ): Promise<MessageState | null> => {
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
    crash('after-dedupe');
    const work = planRecords(fresh);
    const traces = new Map<RecordWork, RecordTrace>();
    for (const w of work) {
      const trace = openTrace(arrival, w.latest, w.action === 'privacy-deletion');
      for (const event of w.events) trace.addClaim(claimMs.get(event) ?? 0);
      traces.set(w, trace);
    }
    // Our own HubSpot write comes back as creation + one propertyChange per property, each with
    // the value and changeSource/sourceId naming our app: dropped without a read.
    const echoed = new Set<RecordWork>();
    const waiting = new Set<RecordWork>();
    for (const w of work) {
      if (w.source !== 'hubspot' || w.action !== 'upsert') continue;
      const ours = w.events.every((e) =>
        isOurSource({
          ...(e.changeSource === undefined ? {} : { changeSource: e.changeSource }),
          ...(e.sourceId === undefined ? {} : { sourceId: e.sourceId }),
          appId: spec.hubspot.appId,
        }),
      );
      if (!ours) continue;
      const trace = traces.get(w);
      const checkedAt = clock.now();
      trace?.beginIdempotency();
      let entity: SyncEntity | null;
      try {
        entity = await store.resolve(integration, 'hubspot', w.objectId);
      } catch {
        continue; // the store's trouble shows (and is retried) on the ordinary path
      }
      // Provenance first: HubSpot says our app made every change. Each event carries the property's
      // value: the base moves to it (and the matching written value is used up) without a read.
      if (!entity) continue;
      if (leaseBusy(entity.lease, message.messageId, clock.now())) {
        waiting.add(w); // our write is still committing: look again shortly, no read needed
        continue;
      }
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
      const onlyValues = w.events.every(
        (e) =>
          e.type.endsWith('.creation') || (e.changedProperty !== undefined && e.changedValue !== undefined),
      );
      if (!onlyValues) continue;
      const before = normaliseFieldState(entity.fieldState);
      const historyMatched = observations.every((o) =>
        (before.echoes.hubspot[o.field] ?? []).some((e) => e.h === fieldHash(o.value)),
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
            message.messageId,
          );
          if (!saved) continue; // decided again on the ordinary path
        } catch {
          continue;
        }
      }
      echoed.add(w);
      const rep = report(w, 'echo-dropped', {
        kongoId: entity.kongoId,
        reason: historyMatched ? 'field-hash+source' : 'source',
      });
      trace?.mark('transform', { startedAt: checkedAt, durationMs: 0 }, 'skipped', 'echo-from-event');
      trace?.endIdempotency('ok', idempotencyNote(rep));
      outcome.records.push(rep);
      conclude(trace, rep);
    }
    const endHydrate = startSpan(clock);
    const hydrated = await hydrate(
      work.filter((w) => !echoed.has(w) && !waiting.has(w)),
      {
        hubspot: deps.hubspot,
        destination: deps.destination,
        hubspotProperties,
      },
    );
    const hydration = endHydrate();
    crash('after-hydrate');

    const retryable: RecordWork[] = [];
    const busy: RecordWork[] = [];
    const failed: FailedRecord[] = [];
    const pending: PendingWrite[] = [];
    const done = (w: RecordWork, rep: RecordReport): void => {
      outcome.records.push(rep);
      conclude(traces.get(w), rep);
    };
    for (const w of work) {
      if (echoed.has(w)) continue;
      const trace = traces.get(w);
      if (waiting.has(w)) {
        trace?.endIdempotency('ok', RECORD_BUSY);
        busy.push(w);
        continue;
      }
      try {
        if (w.action !== 'upsert' && w.action !== 'restore') {
          const endLifecycle = startSpan(clock);
          const rep = await handleLifecycle(w, { ...deps, dryRun, report });
          const lifecycle = endLifecycle();
          // Deletes, merges and privacy deletions map nothing: identity and delivery are one step here.
          trace?.mark('transform', { startedAt: lifecycle.startedAt, durationMs: 0 }, 'skipped', w.action);
          trace?.mark('idempotency', { startedAt: lifecycle.startedAt, durationMs: 0 }, 'skipped', w.action);
          trace?.mark('deliver', lifecycle, 'ok', `${w.action}:${rep.outcome}`);
          done(w, rep);
          continue;
        }
        const h = hydrated.get(w);
        if (h === undefined) {
          done(w, report(w, 'gone'));
          continue;
        }
        if (!h.ok) {
          trace?.mark('transform', hydration, 'failed', h.reason === 'failed' ? 'hydrate-failed' : 'gone');
          if (h.reason === 'failed') failed.push({ work: w, error: h.error, stage: 'transform' });
          else done(w, report(w, 'gone'));
          continue;
        }
        if (w.action === 'restore') await handleLifecycle(w, { ...deps, dryRun, report });
        const readHere = w.latest.record === undefined;
        const prepared = await prepare(
          w,
          h.record,
          trace ?? openTrace(arrival, w.latest),
          readHere ? hydration : null,
          message.messageId,
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
          pending.push(...prepared);
        } else if (prepared.outcome === 'retry' && prepared.reason === RECORD_BUSY) {
          trace?.endIdempotency('ok', RECORD_BUSY);
          busy.push(w);
        } else if (prepared.outcome === 'retry') {
          trace?.endIdempotency('failed', 'entity-kept-changing');
          retryable.push(w);
        } else {
          trace?.endIdempotency('ok', idempotencyNote(prepared));
          done(w, prepared);
        }
      } catch (error) {
        if (error instanceof DeliveryError) trace?.failedCall(failureCode(error));
        failed.push({ work: w, error, stage: error instanceof DeliveryError ? 'deliver' : 'idempotency' });
      }
    }

    return { message, pending, failed, retryable, busy, traces };
  };

  /** Phase C for one message: commit what landed, retry or dead-letter what did not, ack. */
  const finishMessage = async (state: MessageState, outcome: BatchOutcome): Promise<void> => {
    const { message, pending, failed, retryable, busy, traces } = state;
    const { envelope } = message;
    const failedWork = new Set<RecordWork>();
    const fail = (work: RecordWork, error: unknown, stage: FailedRecord['stage']): void => {
      if (failedWork.has(work)) return;
      failedWork.add(work);
      failed.push({ work, error, stage });
    };
    for (const f of failed) failedWork.add(f.work);
    const leased = new Set<string>();
    for (const p of pending) {
      leased.add(p.entity.kongoId);
      const result = p.result;
      if (result && 'superseded' in result) {
        if (p.companion) continue;
        outcome.records.push({ ...p.report, reason: 'superseded by a newer change in the same batch' });
        p.trace.finish('skipped-unchanged', undefined, 'superseded-in-batch');
        continue;
      }
      if (p.delivery && !p.companion) {
        const ok = result !== undefined && !('error' in result);
        p.trace.mark('deliver', p.delivery, ok ? 'ok' : 'failed', p.delivery.note);
      }
      if (!result || 'error' in result) {
        fail(p.work, result?.error ?? new Error('no outbound result'), 'deliver');
        continue;
      }
      const endObserve = startSpan(clock);
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
        });
        // The update answered with a re-issued id: the commit followed it (drift 'id-rolled').
        if (committed && committed.drift.length > p.entity.drift.length)
          logger.record('idempotency', 'delivered', {
            kind: 'id-drift',
            system: p.side,
            syncId: p.entity.kongoId,
          });
        if (p.companion || failedWork.has(p.work)) continue;
        outcome.records.push(p.report);
        logger.record('deliver', 'delivered', {
          traceId: p.work.latest.traceId,
          system: p.side,
          syncId: p.entity.kongoId,
          recordId: p.work.objectId,
        });
        p.trace.finish('landed', endObserve());
      } catch (error) {
        fail(p.work, error, 'observe');
      }
    }
    // The next change to these records may go ahead (a crash instead leaves the lease to expire).
    for (const kongoId of leased) {
      try {
        await store.releaseLease(kongoId, message.messageId);
      } catch (error) {
        logger.warn('lease not released; it expires on its own', {
          syncId: kongoId,
          reason: describe(error),
        });
      }
    }
    crash('after-commit');

    const traceOf = (w: RecordWork): RecordTrace | undefined =>
      traces.get(w) ?? pending.find((p) => p.work === w)?.trace;

    // Retryable failures retry the whole message while it has deliveries left (siblings that
    // landed are skipped next time as unchanged); after that, each failed record is dead-lettered.
    // Records another worker was busy with wait their turn and never count as failures.
    const transient = failed.filter((f) => !(f.error instanceof DeliveryError) || f.error.retryable);
    const retryAll = (transient.length > 0 || retryable.length > 0) && message.receiveCount < maxReceives;
    if (retryAll || (busy.length > 0 && message.receiveCount < maxReceives)) {
      for (const f of failed) {
        logger.record('deliver', 'retried', { traceId: f.work.latest.traceId, reason: describe(f.error) });
        logger.failure({
          stage: f.stage,
          kind: failureKind(f.error),
          reason: `${describe(f.error)}; retrying (attempt ${message.receiveCount} of ${maxReceives})`,
          recordId: f.work.objectId,
          traceId: f.work.latest.traceId,
        });
      }
      outcome.records.push(
        ...[...failed.map((f) => f.work), ...retryable].map((w) => report(w, 'retry')),
        ...busy.map((w) => report(w, 'retry', { reason: RECORD_BUSY })),
      );
      const endRetry = startSpan(clock);
      const delay = retryAll ? retryDelayMs * 2 ** (message.receiveCount - 1) : busyDelayMs;
      await deps.queue.retryLater(message, delay);
      const observed = endRetry();
      for (const f of failed) traceOf(f.work)?.finish('retried', observed, failureCode(f.error));
      for (const w of retryable) traceOf(w)?.finish('retried', observed, 'entity-kept-changing');
      for (const w of busy) traceOf(w)?.finish('retried', observed, RECORD_BUSY);
      outcome.retried++;
      outcome.failedMessageIds.push(message.messageId);
      return;
    }
    // Out of deliveries with records still waiting for another worker: they go on in a message of
    // their own (a replay: its events are already claimed), never to the dead letters.
    for (const w of busy) {
      await deps.queue.send({
        ...envelopeFor(envelope, w),
        kind: 'replay',
        headers: {
          ...envelope.headers,
          'x-kongo-replay-of':
            envelope.kind === 'replay' ? (envelope.headers['x-kongo-replay-of'] ?? '') : envelope.kind,
        },
      });
      outcome.records.push(report(w, 'retry', { reason: RECORD_BUSY }));
      traceOf(w)?.finish('retried', undefined, RECORD_BUSY);
    }
    for (const f of [
      ...failed,
      ...retryable.map(
        (w): FailedRecord => ({
          work: w,
          error: new Error('entity kept changing'),
          stage: 'idempotency',
        }),
      ),
    ]) {
      const reason = describe(f.error);
      logger.failure({
        stage: f.stage,
        kind: failureKind(f.error),
        reason: `${reason}; dead-lettered after ${message.receiveCount} attempt${message.receiveCount === 1 ? '' : 's'}`,
        recordId: f.work.objectId,
        traceId: f.work.latest.traceId,
      });
      const endLetter = startSpan(clock);
      if (!dryRun) {
        await deps.deadLetters.put({
          integration,
          reason,
          kind: envelope.kind,
          failedAt: clock.now(),
          attempts: message.receiveCount,
          envelope: envelopeFor(envelope, f.work),
          recordId: f.work.objectId,
        });
      }
      logger.record('deliver', 'dead-lettered', {
        traceId: f.work.latest.traceId,
        recordId: f.work.objectId,
        reason,
      });
      outcome.records.push(report(f.work, 'dead-lettered', { reason }));
      traceOf(f.work)?.finish('dead-lettered', endLetter(), failureCode(f.error));
    }
    crash('before-ack');
    await deps.queue.ack(message);
    outcome.acked++;
  };

  return {
    hubspotProperties,
    destinationFields,
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
      // In order: a later message may hold a newer change to the same record.
      const states: MessageState[] = [];
      for (const message of messages) {
        const state = await prepareMessage(message, outcome);
        if (state) states.push(state);
      }
      // Phase B across the whole batch: HubSpot writes go out ≤ 100 per call. Of several writes
      // to one entity's side only the newest (whose intent is the recorded one) is sent.
      const newest = new Map<string, PendingWrite>();
      for (const p of states.flatMap((st) => st.pending)) {
        const key = `${p.entity.kongoId}:${p.side}`;
        const older = newest.get(key);
        if (older) older.result = { superseded: true };
        newest.set(key, p);
      }
      const writes = [...newest.values()];
      await writeHubSpot(writes.filter((p) => p.side === 'hubspot'));
      for (const p of writes.filter((q) => q.side === 'destination')) await writeDestination(p);
      crash('after-outbound');
      for (const state of states) await finishMessage(state, outcome);
      return outcome;
    },
  };
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
  if (count('echo') > 0 && changed === 0) return { outcome: 'echo-dropped', note: 'field-history' };
  if (stale > 0 && Object.keys(decision.writes).length === 0) return { outcome: 'stale', note };
  return { outcome: 'skipped-unchanged', note };
}
