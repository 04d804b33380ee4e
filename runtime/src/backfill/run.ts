/**
 * Initial sync and backfill, destination → HubSpot: every destination record is matched to an
 * existing HubSpot record by natural key (batch read by the natural-key property, 100 a call)
 * before anything is created; matched records go out in full batch updates by id, new ones in full
 * batch upserts by the sync-id property (100 a call). Interruptible and resumable without a
 * duplicate: the source position is checkpointed in DynamoDB only behind records already written,
 * and every new record's kongoId is minted and claimed (`NK#`) before its write, so a resumed
 * create is an upsert on the same sync id. See docs/SYNC.md.
 */
import { randomUUID } from 'node:crypto';
import { valuesHash } from '../echo/hash.ts';
import { applyTransforms } from '../formulas/index.ts';
import { normaliseNaturalKey } from '../mapping-store/keys.ts';
import type { Intent, MappingStore } from '../mapping-store/types.ts';
import type { ControlPanel } from '../ops/controls.ts';
import type { DestinationClient, DestinationRecord } from '../outbound/destination.ts';
import type { BatchWriteResult, HubSpotClient } from '../outbound/hubspot-client.ts';
import { type ConnectionCursor, decodeConnectionCursor, pollConnection } from '../poll/connection.ts';
import type { Clock } from '../queue/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { effectiveFlows } from '../worker/pipeline.ts';
import type { MappingsOverride } from '../worker/types.ts';
import type { BackfillIdentity, BackfillLedger } from './ledger.ts';

export const BACKFILL_CURSOR = 'backfill-destination';
const BATCH = 100;

export interface BackfillProgress {
  /** Destination records read so far (this run plus earlier runs of the same backfill). */
  read: number;
  /** Records written to HubSpot (matched + created), all runs. */
  written: number;
  matched: number;
  created: number;
  failed: number;
  /** HubSpot calls made by this run. */
  hubspotCalls: number;
  elapsedMs: number;
}

export interface BackfillFailure {
  destinationId: string;
  reason: string;
}

export interface BackfillReport extends BackfillProgress {
  runId: string;
  /** True when the run stopped on its signal before the end; run again to resume. */
  interrupted: boolean;
  /** True when this run continued an earlier, interrupted one. */
  resumed: boolean;
  /** Where the run started (records already done by earlier runs). */
  resumedAt: number;
  /** Mappings left unwritten by code (e.g. ENUM_UNMAPPED: the field unwritten, the rest written). */
  fieldErrors: Record<string, number>;
  failures: BackfillFailure[];
  calls: { read: number; update: number; upsert: number };
}

export interface BackfillOptions {
  spec: IntegrationSpec;
  mappings?: MappingsOverride;
  store: Pick<MappingStore, 'getCursor' | 'putCursor' | 'claimNaturalKey'>;
  ledger: BackfillLedger;
  /** Built on a paced budget (budget.ts) for the run. */
  hubspot: HubSpotClient;
  destination: Pick<DestinationClient, 'listChanged'>;
  /**
   * The live worker is paused for the run (and resumed after) so batched claims can't race it.
   * Without controls, every claim is a conditional write (slower, equally safe).
   */
  controls?: Pick<ControlPanel, 'pause' | 'resume' | 'read'>;
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => void;
  newKongoId?: () => string;
  clock?: Clock;
  /** Destination records per list call (≤ 100). */
  pageSize?: number;
  /** Destination pages per pipeline step. */
  chunkPages?: number;
  /** Pipeline steps whose writes may be in flight at once. */
  depth?: number;
  /** Chunks prepared (claimed and matched) ahead of the one being written. */
  prefetch?: number;
  /** Start over instead of resuming a stored position. */
  restart?: boolean;
  runId?: string;
  leaseMs?: number;
}

interface StoredState {
  source: ConnectionCursor;
  read: number;
  written: number;
  matched: number;
  created: number;
  failed: number;
  complete: boolean;
}

interface Entry {
  record: DestinationRecord;
  naturalKey: string;
  kongoId: string;
  /** True when a backfill minted the kongoId (its SYNC# item is ours to write). */
  ours: boolean;
  hubspotId?: string;
  /** HubSpot values (strings) to write, without the sync id. */
  values: Record<string, string>;
  /** False when the matched HubSpot record already carries another sync id (left as it is). */
  writeSyncId: boolean;
  /** Position to resume from to see this record again. */
  from: ConnectionCursor;
  /** Read order. */
  seq: number;
}

export class BackfillError extends Error {
  override name = 'BackfillError';
}

function decodeState(value: string | undefined): StoredState | null {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as Partial<StoredState> & { source?: unknown };
    return {
      source: decodeConnectionCursor(JSON.stringify(parsed.source ?? {})),
      read: Number(parsed.read ?? 0),
      written: Number(parsed.written ?? 0),
      matched: Number(parsed.matched ?? 0),
      created: Number(parsed.created ?? 0),
      failed: Number(parsed.failed ?? 0),
      complete: parsed.complete === true,
    };
  } catch {
    return null;
  }
}

/**
 * @example
 * const report = await runBackfill({ spec, store, ledger, hubspot, destination, controls, signal });
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillReport> {
  const { spec } = options;
  const integration = spec.integration.name;
  const clock = options.clock ?? { now: () => Date.now() };
  const newKongoId = options.newKongoId ?? randomUUID;
  const runId = options.runId ?? randomUUID();
  const started = clock.now();
  const flow = effectiveFlows(spec, options.mappings).get('destination-to-hubspot');
  if (!flow) throw new BackfillError('The spec has no destination-to-hubspot mappings: nothing to backfill.');
  const keyField = spec.destination.naturalKey.destinationField;
  const keyProperty = spec.destination.naturalKey.hubspotProperty;
  const syncProperty = spec.hubspot.syncIdProperty;
  const pageSize = Math.min(options.pageSize ?? BATCH, BATCH);
  const chunkPages = options.chunkPages ?? 10;
  const depth = options.depth ?? 3;
  const prefetch = options.prefetch ?? 2;

  if (!(await options.ledger.lease(integration, runId, options.leaseMs ?? 15 * 60_000))) {
    throw new BackfillError(
      `Another backfill of ${integration} is running; wait for it or let its lease expire.`,
    );
  }
  const stored = await options.store.getCursor(integration, BACKFILL_CURSOR);
  let version = stored?.version ?? null;
  const previous = options.restart ? null : decodeState(stored?.value);
  const resumed = previous !== null && !previous.complete && previous.read > 0;
  const state: StoredState = previous
    ? { ...previous, complete: false }
    : {
        source: decodeConnectionCursor(null),
        read: 0,
        written: 0,
        matched: 0,
        created: 0,
        failed: 0,
        complete: false,
      };
  // A finished backfill run again continues after its last record (an incremental catch-up).
  const report: BackfillReport = {
    runId,
    interrupted: false,
    resumed,
    resumedAt: state.read,
    read: state.read,
    written: state.written,
    matched: state.matched,
    created: state.created,
    failed: state.failed,
    hubspotCalls: 0,
    elapsedMs: 0,
    fieldErrors: {},
    failures: [],
    calls: { read: 0, update: 0, upsert: 0 },
  };
  const callsBefore = options.hubspot.calls;
  const progress = () => {
    report.hubspotCalls = options.hubspot.calls - callsBefore;
    report.elapsedMs = clock.now() - started;
    options.onProgress?.({
      read: report.read,
      written: report.written,
      matched: report.matched,
      created: report.created,
      failed: report.failed,
      hubspotCalls: report.hubspotCalls,
      elapsedMs: report.elapsedMs,
    });
  };

  const pausedByUs = options.controls ? !(await options.controls.read()).paused : false;
  if (options.controls && pausedByUs) await options.controls.pause();

  const checkpoint = async (source: ConnectionCursor, complete: boolean) => {
    const value = JSON.stringify({
      source,
      read: report.read,
      written: report.written,
      matched: report.matched,
      created: report.created,
      failed: report.failed,
      complete,
    } satisfies StoredState);
    if (!(await options.store.putCursor(integration, BACKFILL_CURSOR, value, version))) {
      throw new BackfillError('The backfill position was moved by someone else; run again to resume.');
    }
    version = (version ?? 0) + 1;
    await options.ledger.lease(integration, runId, options.leaseMs ?? 15 * 60_000);
  };

  const fail = (record: DestinationRecord, reason: string) => {
    report.failed++;
    if (report.failures.length < 1_000) report.failures.push({ destinationId: record.id, reason });
  };

  /** Transform, natural keys, claims and HubSpot matches for one chunk of records. */
  const prepare = async (
    records: Array<{ record: DestinationRecord; from: ConnectionCursor; seq: number }>,
  ): Promise<Entry[]> => {
    const candidates: Array<{
      record: DestinationRecord;
      from: ConnectionCursor;
      seq: number;
      key: string;
      values: Record<string, string>;
    }> = [];
    for (const { record, from, seq } of records) {
      const key = normaliseNaturalKey(record.values[keyField]);
      if (key === null) {
        fail(
          record,
          `no ${keyField}: a record without its natural key can't be matched, so it is not created`,
        );
        continue;
      }
      if (seenKeys.has(key)) {
        fail(record, `another ${spec.destination.objectType} in this run has the same ${keyField}`);
        continue;
      }
      seenKeys.add(key);
      const transformed = applyTransforms(flow, record.values);
      for (const error of transformed.errors)
        report.fieldErrors[error.code] = (report.fieldErrors[error.code] ?? 0) + 1;
      const values: Record<string, string> = {};
      for (const [field, value] of Object.entries(transformed.output)) {
        if (value === null || value === '') {
          if (spec.policies.emptyValues === 'clear') values[field] = '';
        } else values[field] = String(value);
      }
      candidates.push({ record, from, seq, key, values });
    }
    if (candidates.length === 0) return [];
    const keys = candidates.map((c) => c.key);
    const readMatches = async (): Promise<Map<string, { id: string; syncId: string | null }>> => {
      const matches = new Map<string, { id: string; syncId: string | null }>();
      const reads: Array<Promise<void>> = [];
      for (let i = 0; i < keys.length; i += BATCH) {
        const slice = keys.slice(i, i + BATCH);
        reads.push(
          options.hubspot
            .batchRead(slice, [keyProperty, syncProperty], { idProperty: keyProperty })
            .then((read) => {
              report.calls.read++;
              for (const found of read.records) {
                const key = normaliseNaturalKey(found.properties[keyProperty]);
                if (key !== null)
                  matches.set(key, { id: found.id, syncId: found.properties[syncProperty] ?? null });
              }
            }),
        );
      }
      await Promise.all(reads);
      return matches;
    };
    const [holders, matches] = await Promise.all([
      options.ledger.naturalKeys(integration, keys),
      readMatches(),
    ]);
    const entries: Entry[] = [];
    const minted: Array<{ key: string; kongoId: string }> = [];
    for (const c of candidates) {
      const holder = holders.get(c.key);
      const match = matches.get(c.key);
      let kongoId = holder?.kongoId ?? (match?.syncId || undefined);
      let ours = holder?.byBackfill ?? false;
      if (kongoId === undefined) {
        kongoId = newKongoId();
        ours = true;
        minted.push({ key: c.key, kongoId });
      } else if (!holder) {
        // HubSpot already carries a sync id from an earlier sync: adopt it as the claim.
        minted.push({ key: c.key, kongoId });
        ours = true;
      }
      const entry: Entry = {
        record: c.record,
        naturalKey: c.key,
        kongoId,
        ours,
        values: c.values,
        writeSyncId: !match?.syncId || match.syncId === kongoId,
        from: c.from,
        seq: c.seq,
      };
      if (match) entry.hubspotId = match.id;
      entries.push(entry);
    }
    // The claims are durable before any write that depends on them.
    if (options.controls) await options.ledger.claimNaturalKeys(integration, minted);
    else {
      const byKey = new Map(entries.map((e) => [e.naturalKey, e]));
      await Promise.all(
        minted.map(async ({ key, kongoId }) => {
          const claim = await options.store.claimNaturalKey(integration, key, kongoId);
          const entry = byKey.get(key);
          if (entry && !claim.claimed) {
            entry.kongoId = claim.kongoId;
            entry.ours = false;
          }
        }),
      );
    }
    return entries;
  };

  const intentFor = (entry: Entry, operation: 'create' | 'update'): Intent => {
    const written: Record<string, string> = { ...entry.values, [syncProperty]: entry.kongoId };
    const fields = Object.keys(written).sort();
    return {
      hash: valuesHash(written, fields),
      fields,
      at: clock.now(),
      status: 'committed',
      key: `kongo-${entry.kongoId}-backfill-${runId}`,
      operation,
    };
  };

  // Identities are written behind the HubSpot calls, off the critical path: resuming needs only
  // the claims (written before the calls); the SYNC#/MAP# items let the live worker recognise the
  // records and their echoes. They are all written before the run returns (also when interrupted);
  // a crash may lose the last few, which reconciliation links again by natural key.
  const identityWrites = new Set<Promise<void>>();
  let identityFailure: unknown;
  const recordLater = (identities: BackfillIdentity[]) => {
    if (identities.length === 0) return;
    const writing: Promise<void> = options.ledger.recordIdentities(integration, identities).then(
      () => {
        identityWrites.delete(writing);
      },
      (error: unknown) => {
        identityWrites.delete(writing);
        identityFailure ??= error;
      },
    );
    identityWrites.add(writing);
  };
  const identitiesSettled = async (most: number) => {
    while (identityWrites.size > most) await Promise.race(identityWrites);
    if (identityFailure !== undefined) throw identityFailure;
  };

  /** One full (or final) batch call; the identities of what landed are recorded. */
  const write = async (batch: Entry[], kind: 'update' | 'upsert'): Promise<void> => {
    let result: BatchWriteResult;
    if (kind === 'update') {
      report.calls.update++;
      result = await options.hubspot.batchUpdate(
        batch.map((e) => ({
          id: e.hubspotId ?? '',
          properties: e.writeSyncId ? { ...e.values, [syncProperty]: e.kongoId } : e.values,
        })),
      );
    } else {
      report.calls.upsert++;
      result = await options.hubspot.batchUpsert(
        batch.map((e) => ({ syncId: e.kongoId, properties: e.values })),
      );
    }
    const byKey = new Map<string, string>();
    for (const r of result.records) {
      const key = kind === 'update' ? r.id : (r.properties[syncProperty] ?? '');
      byKey.set(key, r.id);
    }
    const identities: BackfillIdentity[] = [];
    for (const e of batch) {
      const landed = byKey.get(kind === 'update' ? (e.hubspotId ?? '') : e.kongoId);
      if (landed === undefined) {
        const error = result.errors.find(
          (x) => x.ids.includes(e.hubspotId ?? '') || x.ids.includes(e.kongoId),
        );
        fail(e.record, `HubSpot refused it: ${error?.message ?? 'no record in the answer'}`);
        continue;
      }
      report.written++;
      if (kind === 'update') report.matched++;
      else report.created++;
      if (e.ours) {
        const identity: BackfillIdentity = {
          kongoId: e.kongoId,
          naturalKey: e.naturalKey,
          destinationId: e.record.id,
          hubspotId: landed,
          intent: intentFor(e, kind === 'update' ? 'update' : 'create'),
        };
        if (e.record.updatedAt !== undefined) identity.destinationUpdatedAt = e.record.updatedAt;
        identities.push(identity);
      }
    }
    recordLater(identities);
    progress();
  };

  const carry: { update: Entry[]; upsert: Entry[] } = { update: [], upsert: [] };
  const inflight: Array<{ done: Promise<void>; resumeFrom: ConnectionCursor; complete: boolean }> = [];
  let source = state.source;
  let seq = 0;
  // Natural keys met in this run: a second record with the same key is a conflict, even when the
  // two land in chunks prepared at the same time.
  const seenKeys = new Set<string>();
  let steps = 0;
  let exhausted = false;
  let failure: unknown;
  const prepared: Array<{ entries: Promise<Entry[]>; end: ConnectionCursor; last: boolean; count: number }> =
    [];
  try {
    // Stage 1 reads destination pages in order; stage 2 (prepare: claims and HubSpot matches) runs
    // up to `prefetch` chunks ahead, so while one chunk's claims are written the rate budget
    // already holds the next chunk's reads; stage 3 queues full write batches.
    const settle = async (all: boolean) => {
      while (inflight.length > depth || (all && inflight.length > 0)) {
        const step = inflight.shift();
        if (!step) break;
        await step.done;
        await identitiesSettled(100);
        await checkpoint(step.resumeFrom, step.complete);
      }
    };
    const consume = async () => {
      const next = prepared.shift();
      if (!next) return;
      const entries = await next.entries;
      for (const e of entries) (e.hubspotId === undefined ? carry.upsert : carry.update).push(e);
      const calls: Array<Promise<void>> = [];
      for (const kind of ['update', 'upsert'] as const) {
        const list = carry[kind];
        while (list.length >= BATCH || (next.last && list.length > 0))
          calls.push(write(list.splice(0, BATCH), kind));
      }
      // Resume from the earliest record not yet written (a carried one), else after this chunk.
      const first = [carry.update[0], carry.upsert[0]]
        .filter((e): e is Entry => e !== undefined)
        .sort((x, y) => x.seq - y.seq)[0];
      inflight.push({
        done: Promise.all(calls).then(() => {}),
        resumeFrom: first ? first.from : next.end,
        complete: next.last,
      });
      await settle(next.last);
      progress();
    };
    while (!exhausted && !options.signal?.aborted) {
      const chunk: Array<{ record: DestinationRecord; from: ConnectionCursor; seq: number }> = [];
      // The first steps are small so the first HubSpot calls start at once; then full size.
      const pages = Math.min(chunkPages, 2 ** steps++);
      for (let page = 0; page < pages && !exhausted; page++) {
        const from = source;
        const read = await pollConnection(source, {
          list: options.destination.listChanged,
          pageSize,
          maxCalls: 1,
        });
        source = read.cursor;
        exhausted = !read.more;
        for (const record of read.records) chunk.push({ record, from, seq: seq++ });
      }
      report.read += chunk.length;
      const entries = prepare(chunk);
      entries.catch(() => {}); // awaited in order by consume()
      prepared.push({ entries, end: source, last: exhausted, count: chunk.length });
      while (prepared.length > prefetch || (exhausted && prepared.length > 0)) await consume();
    }
    // Interrupted: chunks prepared but not yet queued are left for the resume (their claims stand).
    for (const left of prepared.splice(0)) {
      report.read -= left.count;
      exhausted = false;
    }
    // Interrupted: finish what is in flight and checkpoint behind it.
    while (inflight.length > 0) {
      const step = inflight.shift();
      if (!step) break;
      await step.done;
      await checkpoint(step.resumeFrom, step.complete);
    }
    await identitiesSettled(0);
  } catch (error) {
    failure = error;
    // Let in-flight calls settle so nothing is written after we return.
    await Promise.allSettled([
      ...inflight.map((s) => s.done),
      ...prepared.map((p) => p.entries),
      ...identityWrites,
    ]);
  } finally {
    if (options.controls && pausedByUs) await options.controls.resume();
    await options.ledger.release(integration, runId);
  }
  report.interrupted = !exhausted;
  progress();
  if (failure !== undefined) throw failure;
  return report;
}
