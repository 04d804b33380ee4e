/**
 * What happens when a record is deleted, merged, restored or a person asks to be forgotten:
 * per the spec's delete policy (ignore / propagate / flag). A HubSpot merge moves the mapping to
 * the surviving record; a restore relinks.
 */
import type { RecordWork } from '../intake/plan.ts';
import { normaliseNaturalKey } from '../mapping-store/keys.ts';
import { otherSystem } from '../mapping-store/types.ts';
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
      const keys = [`${work.source}:${work.objectId}`];
      if (entity) {
        for (const [system, id] of Object.entries(entity.ids)) keys.push(`${system}:${id}`);
        if (entity.naturalKey) keys.push(`nk:${entity.naturalKey}`);
        await store.purge(entity.kongoId);
      }
      await store.forget(integration, keys);
      // Dead letters that mention the person go too (their bodies hold the person's data).
      const ids = new Set([work.objectId, ...Object.values(entity?.ids ?? {})]);
      const natural = entity?.naturalKey ?? null;
      for (const letter of await ctx.deadLetters.list({ integration, limit: 1000 })) {
        const body = letter.envelope.body;
        const mentions =
          (letter.recordId !== undefined && ids.has(letter.recordId)) ||
          [...ids].some(
            (id) => body.includes(`"${id}"`) || body.includes(`:${id},`) || body.includes(`:${id}}`),
          ) ||
          (natural !== null && body.toLowerCase().includes(natural));
        if (mentions) await ctx.deadLetters.remove(letter.id);
      }
      logger.record('ops', 'delivered', { kind: 'privacy-deletion', recordId: work.objectId });
      return ctx.report(work, 'purged', entity ? { kongoId: entity.kongoId } : {});
    }
    default:
      return ctx.report(work, 'ignored');
  }
}

/** The forget-marker keys checked before an entity is created for a record. */
export function forgetKeys(source: string, objectId: string, naturalKey: unknown): string[] {
  const keys = [`${source}:${objectId}`];
  const normalised = normaliseNaturalKey(naturalKey);
  if (normalised !== null) keys.push(`nk:${normalised}`);
  return keys;
}
