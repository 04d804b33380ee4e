/**
 * Reconciliation: read both sides whole, compare them with the identity table, and repair the
 * mappings — never the records. A destination id that rolled is followed by the natural key (or by
 * the sync id HubSpot carries, the record's Kongo label), the move is recorded as drift on the
 * entity; pairs that exist on both sides but were never linked are linked; everything else is
 * reported with the reason it can't be matched. Writes nothing to HubSpot or the destination.
 */
import { applyTransforms, sourceFields } from '../formulas/index.ts';
import { normaliseNaturalKey } from '../mapping-store/keys.ts';
import type { MappingStore, SyncEntity } from '../mapping-store/types.ts';
import type { DestinationClient, DestinationRecord } from '../outbound/destination.ts';
import { emptyConnectionCursor, pollConnection } from '../poll/connection.ts';
import { modifiedPropertyFor, pollHubSpotSearch, type SearchFn } from '../poll/hubspot-search.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { effectiveFlows } from '../worker/pipeline.ts';
import type { MappingsOverride } from '../worker/types.ts';
import { type EnumLabelProblem, findEnumLabelProblems, type LiveOptions } from './labels.ts';

export type UnmatchedReason =
  | 'only-in-destination'
  | 'only-in-hubspot'
  | 'no-natural-key'
  | 'duplicate-natural-key-in-destination'
  | 'duplicate-natural-key-in-hubspot'
  | 'hubspot-record-gone'
  | 'destination-record-gone'
  | 'mapped-elsewhere';

export interface Unmatched {
  side: 'hubspot' | 'destination';
  id: string;
  reason: UnmatchedReason;
  /** A record on the other side whose labelled fields all match: a person should look (not linked automatically). */
  labelCandidate?: string;
}

/** A mapped pair whose fields differ through the mapping, for longer than the conflict window. */
export interface Divergence {
  hubspotId: string;
  destinationId: string;
  /** Destination field names (hubspot-to-destination mappings), or HubSpot property names for fields only the destination-to-hubspot flow maps. */
  fields: string[];
}

export interface DriftRepair {
  kongoId: string;
  system: 'hubspot' | 'destination';
  from: string | null;
  to: string;
  how: 'natural-key' | 'sync-id';
}

export interface ReconcileReport {
  integration: string;
  at: number;
  /** N: live records in HubSpot. */
  hubspot: number;
  /** M: live records in the destination. */
  destination: number;
  /** K: pairs mapped after the run (both ids live, on one entity). */
  mapped: number;
  /** D: ids that had drifted and were repaired (rolled ids followed, relinked). */
  drifted: number;
  /** Pairs found on both sides by natural key that had no mapping; linked by this run. */
  linked: number;
  /** U: records that could not be matched, with the reason. */
  unmatched: number;
  unmatchedByReason: Partial<Record<UnmatchedReason, number>>;
  /** The first 200 unmatched records. */
  unmatchedSample: Unmatched[];
  /**
   * F: mapped pairs whose mapped fields differ (judged through the mapping, after its formulas) and whose
   * newer side last changed more than `policies.conflicts.windowSeconds` ago — so not a change still in flight.
   */
  diverged: number;
  /** The first 200 diverged pairs with the fields that differ (names only, never values). */
  divergedSample: Divergence[];
  repairs: DriftRepair[];
  labelProblems: EnumLabelProblem[];
  /** False on a dry run: what would be repaired is counted, nothing is written. */
  repaired: boolean;
  calls: { hubspot: number; destination: number };
  durationMs: number;
}

export interface ReconcileOptions {
  spec: IntegrationSpec;
  mappings?: MappingsOverride;
  store: MappingStore;
  /** HubSpot search within the 5/s limit and the shared budget (poll/hubspot-search-api.ts). */
  search: SearchFn;
  destination: Pick<DestinationClient, 'listChanged'>;
  /** Live options for the enum-label check (labels.ts); omit to skip it. */
  liveOptions?: LiveOptions;
  /** Default true; false = dry run. */
  repair?: boolean;
  clock?: { now(): number };
}

interface HubSpotRow {
  id: string;
  key: string | null;
  syncId: string | null;
  labels: Record<string, string>;
  /** Every mapped property, as search returned it. */
  values: Record<string, string | null>;
  modifiedAt: number | null;
}

const blank = (v: unknown): unknown => (v === undefined || v === null || v === '' ? null : v);
const equalValues = (a: unknown, b: unknown): boolean => {
  const x = blank(a);
  const y = blank(b);
  return x === y || (x !== null && y !== null && String(x) === String(y));
};

function labelKey(labels: Record<string, string>, fields: readonly string[]): string | null {
  const parts = fields.map((f) => (labels[f] ?? '').trim().toLowerCase().replace(/\s+/g, ' '));
  return parts.filter((p) => p !== '').length >= 2 ? parts.join('\u0000') : null;
}

/**
 * @example
 * const report = await reconcile({ spec, store, search: api.search, destination });
 * console.log(formatReconcileReport(report));
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const { spec, store } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const started = clock.now();
  const repair = options.repair ?? true;
  const integration = spec.integration.name;
  const keyField = spec.destination.naturalKey.destinationField;
  const keyProperty = spec.destination.naturalKey.hubspotProperty;
  const syncProperty = spec.hubspot.syncIdProperty;
  // Label-based identity: the string fields the destination→HubSpot flow writes, besides the key.
  const flow = effectiveFlows(spec, options.mappings).get('destination-to-hubspot');
  const labelFields = (flow?.mappings ?? [])
    .map((m) => m.target)
    .filter((t) => t !== keyProperty && t !== syncProperty && !/status|stage|type/i.test(t));
  const toDestination = effectiveFlows(spec, options.mappings).get('hubspot-to-destination');
  const modifiedProperty = modifiedPropertyFor(spec.hubspot.objectType);
  // Every HubSpot property either direction maps, to compare the pairs' fields through the mapping.
  const mappedProperties = [
    ...new Set([
      ...(toDestination ? sourceFields(toDestination) : []),
      ...(flow?.mappings ?? []).map((m) => m.target),
    ]),
  ];
  const windowMs = spec.policies.conflicts.windowSeconds * 1000;

  // Both sides, whole. HubSpot through the (timestamp, id) cursor: no 10,000-result cap.
  const hubspot: HubSpotRow[] = [];
  let hubspotCalls = 0;
  let cursor = { ts: 0, id: '' };
  for (;;) {
    const page = await pollHubSpotSearch(cursor, {
      search: options.search,
      modifiedProperty,
      properties: [
        ...new Set([keyProperty, syncProperty, modifiedProperty, ...labelFields, ...mappedProperties]),
      ],
      lagMs: 0,
      now: clock.now(),
      maxCalls: 50,
    });
    hubspotCalls += page.calls;
    for (const r of page.records) {
      const labels: Record<string, string> = {};
      for (const f of labelFields) labels[f] = r.properties[f] ?? '';
      const modified = Date.parse(r.properties[modifiedProperty] ?? '');
      hubspot.push({
        id: r.id,
        key: normaliseNaturalKey(r.properties[keyProperty]),
        syncId: r.properties[syncProperty] || null,
        labels,
        values: r.properties,
        modifiedAt: Number.isNaN(modified) ? null : modified,
      });
    }
    cursor = page.reached;
    if (!page.more) break;
  }
  const destination: DestinationRecord[] = [];
  let destinationCalls = 0;
  let position = emptyConnectionCursor();
  for (;;) {
    const page = await pollConnection(position, { list: options.destination.listChanged, maxCalls: 50 });
    destinationCalls += page.calls;
    destination.push(...page.records);
    position = page.cursor;
    if (!page.more) break;
  }

  const hById = new Map(hubspot.map((h) => [h.id, h]));
  const dById = new Map(destination.map((d) => [d.id, d]));
  const hByKey = new Map<string, HubSpotRow[]>();
  for (const h of hubspot) if (h.key !== null) hByKey.set(h.key, [...(hByKey.get(h.key) ?? []), h]);
  const dKey = (d: DestinationRecord) => normaliseNaturalKey(d.values[keyField]);
  const dByKey = new Map<string, DestinationRecord[]>();
  for (const d of destination) {
    const key = dKey(d);
    if (key !== null) dByKey.set(key, [...(dByKey.get(key) ?? []), d]);
  }

  const report: ReconcileReport = {
    integration,
    at: started,
    hubspot: hubspot.length,
    destination: destination.length,
    mapped: 0,
    drifted: 0,
    linked: 0,
    unmatched: 0,
    unmatchedByReason: {},
    unmatchedSample: [],
    repairs: [],
    labelProblems: options.liveOptions ? findEnumLabelProblems(spec, options.liveOptions) : [],
    diverged: 0,
    divergedSample: [],
    repaired: repair,
    calls: { hubspot: hubspotCalls, destination: destinationCalls },
    durationMs: 0,
  };
  // For each HubSpot property, the destination fields its hubspot-to-destination mappings feed.
  const targetsOf = new Map<string, string[]>();
  for (const m of toDestination?.mappings ?? []) {
    for (const source of sourceFields({ mappings: [m] }))
      targetsOf.set(source, [...(targetsOf.get(source) ?? []), m.target]);
  }
  /**
   * The fields of a mapped pair that differ through the mapping, each direction with its own formulas (so a
   * lossy formula such as stripSpaces never counts): HubSpot's values through hubspot-to-destination against
   * the destination's, then the destination's through destination-to-hubspot against HubSpot's (named by the
   * HubSpot property, unless a destination field it feeds is already listed). A value the formulas leave
   * empty under `emptyValues: skip` is never written, so it never counts. Pairs whose newer side changed
   * within the conflict window are left alone: that change may still be landing.
   */
  const compareFields = (h: HubSpotRow, d: DestinationRecord): void => {
    const skipEmpty = spec.policies.emptyValues === 'skip';
    const fields: string[] = [];
    if (toDestination) {
      const output = applyTransforms(toDestination, h.values).output;
      for (const m of toDestination.mappings) {
        if (!(m.target in d.values) || fields.includes(m.target)) continue;
        if (skipEmpty && blank(output[m.target]) === null) continue;
        if (!equalValues(output[m.target], d.values[m.target])) fields.push(m.target);
      }
    }
    if (flow) {
      const output = applyTransforms(flow, d.values).output;
      for (const m of flow.mappings) {
        if (m.target === syncProperty || !(m.target in h.values)) continue;
        if ((targetsOf.get(m.target) ?? []).some((t) => fields.includes(t))) continue;
        if (skipEmpty && blank(output[m.target]) === null) continue;
        if (!equalValues(output[m.target], h.values[m.target])) fields.push(m.target);
      }
    }
    if (fields.length === 0) return;
    const newest = Math.max(h.modifiedAt ?? 0, d.updatedAt ?? 0);
    if (newest > 0 && clock.now() - newest < windowMs) return;
    report.diverged++;
    if (report.divergedSample.length < 200)
      report.divergedSample.push({ hubspotId: h.id, destinationId: d.id, fields });
  };
  const unmatched: Unmatched[] = [];
  const miss = (side: Unmatched['side'], id: string, reason: UnmatchedReason) => {
    unmatched.push({ side, id, reason });
  };
  const pairedHubSpot = new Set<string>();

  /** Moves (or sets) an entity's id on one side and records the drift. */
  const move = async (
    entity: SyncEntity,
    system: 'hubspot' | 'destination',
    to: string,
    how: DriftRepair['how'],
  ): Promise<SyncEntity> => {
    const from = entity.ids[system] ?? null;
    report.repairs.push({ kongoId: entity.kongoId, system, from, to, how });
    if (from !== null) report.drifted++;
    else report.linked++;
    if (!repair) return { ...entity, ids: { ...entity.ids, [system]: to } };
    if (from === null) {
      const link = await store.linkId(entity.kongoId, system, to);
      return link.entity;
    }
    return store.replaceId(entity.kongoId, system, to, from === to ? 'relinked' : 'id-rolled');
  };

  /** The live HubSpot record of an entity: its id, else its natural key, else its sync id (label). */
  const hubspotFor = (
    entity: SyncEntity,
    key: string | null,
  ): { row: HubSpotRow; how: DriftRepair['how'] } | undefined => {
    const current = entity.ids.hubspot === undefined ? undefined : hById.get(entity.ids.hubspot);
    if (current) return { row: current, how: 'natural-key' };
    const byKey = key === null ? undefined : hByKey.get(key);
    if (byKey?.length === 1 && byKey[0]) return { row: byKey[0], how: 'natural-key' };
    const bySync = hubspot.find((h) => h.syncId === entity.kongoId);
    return bySync ? { row: bySync, how: 'sync-id' } : undefined;
  };

  for (const d of destination) {
    const key = dKey(d);
    if (key !== null && (dByKey.get(key)?.length ?? 0) > 1) {
      miss('destination', d.id, 'duplicate-natural-key-in-destination');
      continue;
    }
    let entity = await store.resolve(integration, 'destination', d.id);
    if (!entity && key !== null) {
      const holder = await store.lookupNaturalKey(integration, key);
      entity = holder === null ? null : await store.getEntity(holder);
    }
    if (!entity) {
      // Label-based identity: HubSpot carries the entity's sync id even when the key changed.
      const byKey = key === null ? [] : (hByKey.get(key) ?? []);
      const viaSync = byKey.length === 0 ? undefined : byKey[0]?.syncId;
      entity = viaSync ? await store.getEntity(viaSync) : null;
    }
    if (entity) {
      const known = entity.ids.destination;
      if (known !== d.id) {
        if (known !== undefined && dById.has(known)) {
          miss('destination', d.id, 'mapped-elsewhere');
          continue;
        }
        entity = await move(entity, 'destination', d.id, 'natural-key');
      }
      const h = hubspotFor(entity, key);
      if (!h) {
        miss('destination', d.id, 'hubspot-record-gone');
        continue;
      }
      if ((hByKey.get(h.row.key ?? '')?.length ?? 0) > 1 && entity.ids.hubspot !== h.row.id) {
        miss('destination', d.id, 'duplicate-natural-key-in-hubspot');
        continue;
      }
      if (entity.ids.hubspot !== h.row.id) entity = await move(entity, 'hubspot', h.row.id, h.how);
      pairedHubSpot.add(h.row.id);
      report.mapped++;
      compareFields(h.row, d);
      continue;
    }
    if (key === null) {
      miss('destination', d.id, 'no-natural-key');
      continue;
    }
    const matches = hByKey.get(key) ?? [];
    if (matches.length > 1) {
      miss('destination', d.id, 'duplicate-natural-key-in-hubspot');
      continue;
    }
    const h = matches[0];
    if (!h) {
      miss('destination', d.id, 'only-in-destination');
      continue;
    }
    // Both sides hold the record and nothing links them: link them (claim the key first).
    report.linked += 2;
    report.repairs.push({
      kongoId: '(new)',
      system: 'destination',
      from: null,
      to: d.id,
      how: 'natural-key',
    });
    if (repair) {
      const claim = await store.claimNaturalKey(integration, key, h.syncId ?? crypto.randomUUID());
      await store.ensureEntity({ kongoId: claim.kongoId, integration, naturalKey: key });
      await store.linkId(claim.kongoId, 'destination', d.id);
      await store.linkId(claim.kongoId, 'hubspot', h.id);
    }
    report.linked -= 1; // one pair, counted once
    pairedHubSpot.add(h.id);
    report.mapped++;
    compareFields(h, d);
  }
  for (const h of hubspot) {
    if (pairedHubSpot.has(h.id)) continue;
    if (h.key !== null && (hByKey.get(h.key)?.length ?? 0) > 1) {
      miss('hubspot', h.id, 'duplicate-natural-key-in-hubspot');
      continue;
    }
    const entity = await store.resolve(integration, 'hubspot', h.id);
    miss(
      'hubspot',
      h.id,
      entity?.ids.destination !== undefined ? 'destination-record-gone' : 'only-in-hubspot',
    );
  }

  // Label candidates for what is left on both sides (reported, never linked automatically).
  const onlyHubSpot = new Map<string, string>();
  for (const u of unmatched) {
    if (u.side !== 'hubspot') continue;
    const row = hById.get(u.id);
    const label = row ? labelKey(row.labels, labelFields) : null;
    if (label !== null) onlyHubSpot.set(label, u.id);
  }
  for (const u of unmatched) {
    if (u.side !== 'destination' || !flow) continue;
    const d = dById.get(u.id);
    if (!d) continue;
    const output = applyTransforms(flow, d.values).output;
    const labels: Record<string, string> = {};
    for (const f of labelFields) labels[f] = output[f] == null ? '' : String(output[f]);
    const label = labelKey(labels, labelFields);
    const candidate = label === null ? undefined : onlyHubSpot.get(label);
    if (candidate !== undefined) u.labelCandidate = candidate;
  }

  report.unmatched = unmatched.length;
  for (const u of unmatched)
    report.unmatchedByReason[u.reason] = (report.unmatchedByReason[u.reason] ?? 0) + 1;
  report.unmatchedSample = unmatched.slice(0, 200);
  report.durationMs = clock.now() - started;
  return report;
}

const REASONS: Record<UnmatchedReason, string> = {
  'only-in-destination': 'only in the destination (not synced to HubSpot yet)',
  'only-in-hubspot': 'only in HubSpot (not synced to the destination yet)',
  'no-natural-key': 'no natural key, so it cannot be matched',
  'duplicate-natural-key-in-destination': 'the destination has several records with this natural key',
  'duplicate-natural-key-in-hubspot': 'HubSpot has several records with this natural key',
  'hubspot-record-gone': 'mapped, but its HubSpot record is gone (deleted or merged away)',
  'destination-record-gone': 'mapped, but its destination record is gone (deleted)',
  'mapped-elsewhere': 'its natural key belongs to another live destination record',
};

/** The report for people (the CLI prints it). */
export function formatReconcileReport(report: ReconcileReport): string {
  const lines = [
    `Reconciliation of ${report.integration}${report.repaired ? '' : ' (dry run: nothing repaired)'}`,
    `  N in HubSpot:            ${report.hubspot}`,
    `  M in the destination:    ${report.destination}`,
    `  K mapped:                ${report.mapped}`,
    `  D drifted and ${report.repaired ? 'repaired' : 'to repair'}: ${report.drifted}`,
    `  unmapped pairs linked:   ${report.linked}`,
    `  U unmatched:             ${report.unmatched}`,
    `  F fields differ:         ${report.diverged}${report.diverged > 0 ? ' (mapped pairs not equal through the mapping, older than the conflict window)' : ''}`,
  ];
  for (const [reason, n] of Object.entries(report.unmatchedByReason))
    lines.push(`    ${String(n).padStart(6)} ${REASONS[reason as UnmatchedReason]}`);
  for (const u of report.unmatchedSample.slice(0, 20)) {
    lines.push(
      `    ${u.side} ${u.id}: ${REASONS[u.reason]}${u.labelCandidate ? ` — its labelled fields match HubSpot ${u.labelCandidate}; check and link by hand` : ''}`,
    );
  }
  for (const f of report.divergedSample.slice(0, 20))
    lines.push(`    HubSpot ${f.hubspotId} / destination ${f.destinationId}: ${f.fields.join(', ')} differ`);
  for (const r of report.repairs.slice(0, 20))
    lines.push(`  repaired ${r.system} id of ${r.kongoId}: ${r.from ?? '(none)'} → ${r.to} (by ${r.how})`);
  if (report.labelProblems.length > 0) {
    lines.push(`  enumMap options that don't match the live systems: ${report.labelProblems.length}`);
    for (const p of report.labelProblems) lines.push(`    ${p.pointer}: ${p.message}`);
  }
  lines.push(
    `  calls: HubSpot ${report.calls.hubspot}, destination ${report.calls.destination}; ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}
