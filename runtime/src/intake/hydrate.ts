/**
 * Intake, step three: the record behind each unit of work. A HubSpot propertyChange carries one
 * property but the mappings need the record, so changed HubSpot records are read with batch reads
 * (≤ 100 ids a call, inside the rate budget). Destination webhooks carry the whole record; an id
 * alone is fetched. A failed read fails only the records it covered.
 */
import type { DestinationClient } from '../outbound/destination.ts';
import type { HubSpotClient } from '../outbound/hubspot-client.ts';
import type { RecordWork } from './plan.ts';

export interface Hydrated {
  values: Record<string, unknown>;
  updatedAt?: number;
  /**
   * HubSpot: the record was deleted (archived) after the change was made and read back with
   * `archived=true`: its changes before the delete still apply; the deletion event applies the policy.
   */
  archived?: true;
}

export type HydrateOutcome =
  | { ok: true; record: Hydrated }
  | { ok: false; reason: 'gone' }
  | { ok: false; reason: 'failed'; error: unknown };

export interface HydrateDeps {
  hubspot: Pick<HubSpotClient, 'batchRead'>;
  destination: Pick<DestinationClient, 'get'>;
  /** HubSpot properties to read: mapped sources, written targets, natural key, sync id. */
  hubspotProperties: string[];
  batchSize?: number;
}

const NEEDS_RECORD = new Set(['upsert', 'restore']);

export async function hydrate(
  work: readonly RecordWork[],
  deps: HydrateDeps,
): Promise<Map<RecordWork, HydrateOutcome>> {
  const outcomes = new Map<RecordWork, HydrateOutcome>();
  const hubspotWork = work.filter((w) => w.source === 'hubspot' && NEEDS_RECORD.has(w.action));
  const size = deps.batchSize ?? 100;
  for (let i = 0; i < hubspotWork.length; i += size) {
    const chunk = hubspotWork.slice(i, i + size);
    try {
      const read = await deps.hubspot.batchRead(
        chunk.map((w) => w.objectId),
        deps.hubspotProperties,
      );
      const byId = new Map(read.records.map((r) => [r.id, r]));
      // Deleted since the change was made: read again among the archived records (one more call,
      // only when some are missing). A record neither live nor archived (purged, merged away) is gone.
      const missing = chunk.filter((w) => !byId.has(w.objectId));
      const archived = new Map<string, (typeof read.records)[number]>();
      if (missing.length > 0) {
        const again = await deps.hubspot.batchRead(
          missing.map((w) => w.objectId),
          deps.hubspotProperties,
          { archived: true },
        );
        for (const r of again.records) archived.set(r.id, r);
      }
      for (const w of chunk) {
        const found = byId.get(w.objectId) ?? archived.get(w.objectId);
        if (!found) {
          outcomes.set(w, { ok: false, reason: 'gone' });
          continue;
        }
        const record: Hydrated = { values: { ...found.properties, hs_object_id: found.id } };
        if (found.updatedAt !== undefined) record.updatedAt = found.updatedAt;
        if (!byId.has(w.objectId)) record.archived = true;
        outcomes.set(w, { ok: true, record });
      }
    } catch (error) {
      for (const w of chunk) outcomes.set(w, { ok: false, reason: 'failed', error });
    }
  }
  for (const w of work) {
    if (w.source !== 'destination' || !NEEDS_RECORD.has(w.action)) continue;
    const carried = w.latest.record;
    if (carried) {
      const record: Hydrated = { values: carried };
      const updatedAt = w.latest.recordUpdatedAt ?? Date.parse(String(carried.updatedAt ?? ''));
      if (Number.isFinite(updatedAt)) record.updatedAt = updatedAt;
      outcomes.set(w, { ok: true, record });
      continue;
    }
    try {
      const fetched = await deps.destination.get(w.objectId);
      if (!fetched) outcomes.set(w, { ok: false, reason: 'gone' });
      else {
        const record: Hydrated = { values: fetched.values };
        if (fetched.updatedAt !== undefined) record.updatedAt = fetched.updatedAt;
        outcomes.set(w, { ok: true, record });
      }
    } catch (error) {
      outcomes.set(w, { ok: false, reason: 'failed', error });
    }
  }
  return outcomes;
}
