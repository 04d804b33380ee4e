/**
 * What happens when a record is deleted, merged, restored or a person asks to be forgotten:
 * per the spec's delete policy (ignore / propagate / flag). A HubSpot merge moves the mapping to
 * the surviving record; a restore relinks.
 */
import type { RecordWork } from '../intake/plan.ts';
import { splitEnvelope } from '../intake/split.ts';
import { naturalKeyHash, normaliseNaturalKey } from '../mapping-store/keys.ts';
import { otherSystem, SYSTEMS, type SyncEntity, type System } from '../mapping-store/types.ts';
import type { QueueEnvelope } from '../queue/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import type { RecordReport, WorkerDeps } from '../worker/types.ts';

export interface LifecycleContext extends WorkerDeps {
  dryRun: boolean;
  report(work: RecordWork, outcome: RecordReport['outcome'], extra?: Partial<RecordReport>): RecordReport;
}

export async function handleLifecycle(work: RecordWork, ctx: LifecycleContext): Promise<RecordReport> {
  const integration = ctx.spec.integration.name;
  const { store, logger } = ctx;
  switch (work.action) {
    case 'delete': {
      const entity = await store.resolve(integration, work.source, work.objectId);
      if (!entity) return ctx.report(work, 'ignored', { reason: 'not mapped' });
      const policy = ctx.spec.policies.deletes;
      if (policy === 'ignore' || ctx.dryRun) {
        return ctx.report(work, ctx.dryRun ? 'dry-run' : 'ignored', {
          kongoId: entity.kongoId,
          reason: `delete policy ${policy}`,
        });
      }
      if (policy === 'flag') {
        await store.setStatus(entity.kongoId, 'flagged', `deleted in ${work.source}`);
        logger.failure({
          stage: 'ops',
          kind: 'delete-flagged',
          reason: `deleted in ${work.source}; the other side was left for review`,
          recordId: work.objectId,
          traceId: work.latest.traceId,
        });
        return ctx.report(work, 'flagged', { kongoId: entity.kongoId });
      }
      const target = otherSystem(work.source);
      const targetId = entity.ids[target];
      if (targetId !== undefined) {
        if (target === 'destination') await ctx.destination.remove(targetId);
        else await ctx.hubspot.batchArchive([targetId]);
      }
      await store.setStatus(entity.kongoId, 'deleted', `deleted in ${work.source}, propagated`);
      logger.record('ops', 'delivered', { kind: 'delete-propagated', syncId: entity.kongoId });
      return ctx.report(work, 'deleted', { kongoId: entity.kongoId });
    }
    case 'merge': {
      const merge = work.latest.merge;
      if (!merge) return ctx.report(work, 'ignored', { reason: 'merge event without ids' });
      const survivor = merge.primaryObjectId;
      const survivorEntity = await store.resolve(integration, 'hubspot', survivor);
      let outcome: RecordReport = ctx.report(work, 'ignored', { reason: 'merged records were not mapped' });
      for (const mergedId of merge.mergedObjectIds) {
        if (mergedId === survivor) continue;
        const merged = await store.resolve(integration, 'hubspot', mergedId);
        if (!merged || ctx.dryRun) continue;
        if (!survivorEntity) {
          // The mapping follows the surviving HubSpot record.
          const moved = await store.replaceId(merged.kongoId, 'hubspot', survivor, 'merged');
          outcome = ctx.report(work, 'merged', { kongoId: moved.kongoId });
        } else {
          // Both were mapped: two destination records now stand for one person. Keep the survivor's,
          // flag the other for a person to resolve (deleting data on a guess is worse).
          await store.unlinkId(integration, 'hubspot', mergedId);
          await store.setStatus(merged.kongoId, 'flagged', `merged into HubSpot ${survivor}`);
          logger.failure({
            stage: 'ops',
            kind: 'merge-flagged',
            reason: `HubSpot merge left destination ${merged.ids.destination ?? '(none)'} without a record`,
            recordId: mergedId,
            traceId: work.latest.traceId,
          });
          outcome = ctx.report(work, 'flagged', {
            kongoId: merged.kongoId,
            reason: 'both merged records were mapped',
          });
        }
      }
      return outcome;
    }
    case 'restore': {
      const entity = await store.resolve(integration, work.source, work.objectId);
      if (entity && entity.status !== 'active' && !ctx.dryRun) {
        await store.setStatus(entity.kongoId, 'active', `restored in ${work.source}`);
      }
      return ctx.report(work, 'restored', entity ? { kongoId: entity.kongoId } : {});
    }
    case 'privacy-deletion': {
      const entity = await store.resolve(integration, work.source, work.objectId);
      if (ctx.dryRun) return ctx.report(work, 'dry-run', { reason: 'privacy deletion' });
      // The destination's copy first: if that call fails the message is retried and the entity
      // (which names the copy) is still there to find it.
      const copy = entity ? await applyDestinationCopyPolicy(entity, ctx) : 'none';
      const keys = [`${work.source}:${work.objectId}`];
      if (entity) {
        for (const [system, id] of Object.entries(entity.ids)) keys.push(`${system}:${id}`);
        for (const drift of entity.drift) keys.push(`${drift.system}:${drift.from}`);
        if (entity.naturalKeyHash) keys.push(`nkh:${entity.naturalKeyHash}`);
        if (entity.legacyNaturalKey) keys.push(`nk:${entity.legacyNaturalKey}`);
        await store.purge(entity.kongoId);
      }
      await store.forget(integration, keys);
      const removed = await purgeDeadLetters(ctx, personOf(work, entity));
      logger.record('ops', 'delivered', {
        kind: 'privacy-deletion',
        recordId: work.objectId,
        destinationCopy: copy,
        deadLettersRemoved: removed,
      });
      return ctx.report(work, 'purged', entity ? { kongoId: entity.kongoId } : {});
    }
    default:
      return ctx.report(work, 'ignored');
  }
}

/**
 * The forget-marker keys checked before an entity is created for a record: its id, and its natural
 * key by hash (`nkh:`) and, for markers written before keys were hashed, in plain (`nk:`; the
 * marker itself only ever held a hash of it).
 */
export function forgetKeys(source: string, objectId: string, naturalKey: unknown): string[] {
  const keys = [`${source}:${objectId}`];
  const normalised = normaliseNaturalKey(naturalKey);
  if (normalised !== null) keys.push(`nkh:${naturalKeyHash(normalised)}`, `nk:${normalised}`);
  return keys;
}

/**
 * `policies.privacy.destinationCopy` on the person's destination record: `delete` removes it,
 * `anonymise` overwrites every field the hubspot-to-destination flow writes (the natural key with a
 * placeholder that names no one, the rest emptied), `keep` leaves it (the destination's own
 * retention then applies). Returns what was done, for the log.
 */
async function applyDestinationCopyPolicy(
  entity: SyncEntity,
  ctx: LifecycleContext,
): Promise<'deleted' | 'anonymised' | 'kept' | 'none' | 'gone'> {
  const id = entity.ids.destination;
  if (id === undefined) return 'none';
  const policy = ctx.spec.policies.privacy.destinationCopy;
  if (policy === 'keep') return 'kept';
  if (policy === 'delete') return (await ctx.destination.remove(id)) ? 'deleted' : 'gone';
  const values = anonymisedValues(ctx.spec, entity.kongoId);
  const updated = await ctx.destination.update(id, values, {
    idempotencyKey: `${entity.kongoId}-privacy-anonymise`,
  });
  return updated ? 'anonymised' : 'gone';
}

/** The values `anonymise` writes: every mapped destination field emptied, the natural key a placeholder. */
export function anonymisedValues(spec: IntegrationSpec, kongoId: string): Record<string, string | null> {
  const flow = spec.flows.find((f) => f.direction === 'hubspot-to-destination');
  const keyField = spec.destination.naturalKey.destinationField;
  const values: Record<string, string | null> = {};
  for (const mapping of flow?.mappings ?? []) values[mapping.target] = null;
  // A natural key is usually required and unique: `.invalid` is reserved (RFC 2606), so the
  // placeholder can never reach anyone, and the kongoId keeps it unique.
  values[keyField] = `forgotten-${kongoId}@kongo.invalid`;
  return values;
}

/** What identifies the person in a dead letter: ids per side (current and rolled) and the key hash. */
interface Person {
  ids: Record<System, Set<string>>;
  naturalKeyHash: string | null;
}

function personOf(work: RecordWork, entity: SyncEntity | null): Person {
  const ids: Record<System, Set<string>> = { hubspot: new Set(), destination: new Set() };
  ids[work.source].add(work.objectId);
  for (const system of SYSTEMS) {
    const id = entity?.ids[system];
    if (id !== undefined) ids[system].add(id);
  }
  for (const drift of entity?.drift ?? []) ids[drift.system].add(drift.from);
  return { ids, naturalKeyHash: entity?.naturalKeyHash ?? null };
}

/**
 * Removes every dead letter that holds the person: one with an event for one of their ids on that
 * event's side (read with the worker's own split, so a HubSpot id never matches another person's
 * destination id), or with any string (record values, unreadable bodies) whose normalised hash is
 * their natural key's — matching by hash, the plain key is never needed. Returns how many went.
 */
async function purgeDeadLetters(ctx: LifecycleContext, person: Person): Promise<number> {
  const integration = ctx.spec.integration.name;
  let removed = 0;
  for (const letter of await ctx.deadLetters.list({ integration, limit: 10_000 })) {
    if (letterMentions(letter.envelope, person, ctx)) {
      await ctx.deadLetters.remove(letter.id);
      removed++;
    }
  }
  return removed;
}

function letterMentions(envelope: QueueEnvelope, person: Person, ctx: LifecycleContext): boolean {
  const split = splitEnvelope(envelope, ctx.spec, ctx.connector);
  for (const event of split.events) {
    if (person.ids[event.source].has(event.objectId)) return true;
    if (event.merge?.mergedObjectIds.some((id) => person.ids.hubspot.has(id))) return true;
    if (event.merge && person.ids.hubspot.has(event.merge.primaryObjectId)) return true;
  }
  return person.naturalKeyHash !== null && holdsKeyHash(envelope.body, person.naturalKeyHash);
}

/** True when any string in `text` (JSON values, or words of a body that isn't JSON) is the key. */
function holdsKeyHash(text: string, hash: string): boolean {
  const matches = (value: string): boolean => {
    const normalised = normaliseNaturalKey(value);
    return normalised !== null && naturalKeyHash(normalised) === hash;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.split(/[\s"'<>,;:()[\]{}]+/).some(matches);
  }
  const walk = (value: unknown): boolean => {
    if (typeof value === 'string')
      return (
        matches(value) || ((value.startsWith('{') || value.startsWith('[')) && holdsKeyHash(value, hash))
      );
    if (Array.isArray(value)) return value.some(walk);
    if (typeof value === 'object' && value !== null) return Object.values(value).some(walk);
    return false;
  };
  return walk(parsed);
}
