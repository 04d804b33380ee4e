/**
 * Where each field's value and source time come from (docs/RUNTIME.md "Source times"):
 * - HubSpot: a propertyChange event carries the property's new value and `occurredAt`, the time of
 *   the change in HubSpot, and `changeSource`/`sourceId` naming who made it. Those pairs are used as
 *   they are. Properties no event names are taken from the hydrated record only when the batch has no
 *   per-property events (a creation, a restore, a poll), at the record's `updatedAt`
 *   (`lastmodifieddate`), an upper bound on each property's own change time.
 * - The destination: the record as its webhook (or the poller, or a read) carries it, every field at
 *   the record's own modification time, `destination.updatedAtField` — never a delivery header, which
 *   is re-stamped on each retry.
 */
import { isOurSource } from '../echo/guard.ts';
import { fieldHash } from '../echo/hash.ts';
import type { RecordWork } from '../intake/plan.ts';
import type { System } from '../mapping-store/types.ts';
import type { FieldObservation } from './rules.ts';
import type { FieldState } from './state.ts';

export interface ObservedRecord {
  /** The record's values with each event-named property at its event's value. */
  values: Record<string, unknown>;
  /**
   * Oldest first, and one field may appear more than once: every change the batch carried for the
   * record (several events coalesced into one unit of work), so `observe` takes them in order — each
   * echo uses up its own written value and the base moves through each edit — and the last one of a
   * field decides its verdict.
   */
  observations: FieldObservation[];
}

export interface ObserveOptions {
  /** The source side's fields Kongo keeps a base for (mapping inputs, fields Kongo writes there). */
  tracked: readonly string[];
  /** The destination record's modification-time field (`destination.updatedAtField`). */
  updatedAtField: string;
  /** The destination record's actor field and the value naming Kongo, when it has one. */
  actor?: { field: string; value: string };
  appId?: number;
}

/** A time given as ms, an ISO string or a numeric string; undefined otherwise. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** One inbound record → its values and the observation of each tracked field. */
export function observeRecord(
  work: RecordWork,
  record: { values: Record<string, unknown>; updatedAt?: number },
  options: ObserveOptions,
): ObservedRecord {
  const observations: FieldObservation[] = [];
  if (work.source === 'destination') {
    const observeOne = (
      values: Record<string, unknown>,
      fallbackAt: number,
      skipUnchangedFrom?: Record<string, unknown>,
    ) => {
      const at = timeOf(values[options.updatedAtField]) ?? fallbackAt;
      let provenance: FieldObservation['provenance'];
      if (options.actor) {
        const actor = values[options.actor.field];
        if (actor !== undefined && actor !== null)
          provenance = String(actor) === options.actor.value ? 'ours' : 'person';
      }
      for (const field of options.tracked) {
        if (!(field in values)) continue;
        // An earlier copy only matters for the fields the newest copy changes again.
        if (skipUnchangedFrom && skipUnchangedFrom[field] === values[field]) continue;
        observations.push({ field, value: values[field], at, ...(provenance ? { provenance } : {}) });
      }
    };
    // Earlier copies of the record the batch carried (coalesced deliveries), oldest first.
    for (const event of work.events) {
      if (event === work.latest || event.record === undefined) continue;
      observeOne(event.record, event.recordUpdatedAt ?? event.occurredAt, record.values);
    }
    observeOne(record.values, record.updatedAt ?? work.latest.occurredAt);
    return { values: record.values, observations };
  }
  const values: Record<string, unknown> = { ...record.values };
  const named = new Map<string, FieldObservation>();
  /** Older events of a property named again later: observed first, in order. */
  const earlier: FieldObservation[] = [];
  let wholeRecord = false;
  for (const event of work.events) {
    const verb = event.type.slice(event.type.indexOf('.') + 1);
    if (
      verb !== 'propertyChange' ||
      event.changedProperty === undefined ||
      event.changedValue === undefined
    ) {
      wholeRecord = true;
      continue;
    }
    const provenance: FieldObservation['provenance'] =
      event.changeSource === undefined
        ? undefined
        : isOurSource({
              changeSource: event.changeSource,
              ...(event.sourceId === undefined ? {} : { sourceId: event.sourceId }),
              ...(options.appId === undefined ? {} : { appId: options.appId }),
            })
          ? 'ours'
          : 'person';
    // Events are oldest first: the newest change of a property is its last observation.
    const before = named.get(event.changedProperty);
    if (before && options.tracked.includes(before.field)) earlier.push(before);
    named.set(event.changedProperty, {
      field: event.changedProperty,
      value: event.changedValue,
      at: event.occurredAt,
      ...(provenance ? { provenance } : {}),
    });
    values[event.changedProperty] = event.changedValue;
  }
  const wholeAt = record.updatedAt ?? work.latest.occurredAt;
  const wholeProvenance: FieldObservation['provenance'] =
    work.latest.changeSource === undefined
      ? undefined
      : isOurSource({
            changeSource: work.latest.changeSource,
            ...(work.latest.sourceId === undefined ? {} : { sourceId: work.latest.sourceId }),
            ...(options.appId === undefined ? {} : { appId: options.appId }),
          })
        ? 'ours'
        : 'person';
  observations.push(...earlier);
  for (const field of options.tracked) {
    const event = named.get(field);
    if (event) observations.push(event);
    else if (wholeRecord && field in record.values)
      observations.push({
        field,
        value: record.values[field],
        at: wholeAt,
        ...(wholeProvenance ? { provenance: wholeProvenance } : {}),
      });
  }
  return { values, observations };
}

/**
 * The order coalesced observations are observed in: per field, the echoes of our own writes first
 * (provenance, or a value in the write history), then the rest, each group oldest first. Our write
 * may land on top of a person's newer edit that reached us first (it was in flight when they made
 * it); observed after the echo, the edit reads as `overwritten` and wins on both sides, as it does
 * when the two arrive in separate batches in that order. Fields are independent, so a stable
 * partition of the whole list is enough.
 */
export function echoesFirst(
  observations: readonly FieldObservation[],
  state: FieldState,
  side: System,
): FieldObservation[] {
  const ours = (o: FieldObservation) =>
    o.provenance === 'ours' ||
    (o.provenance !== 'person' &&
      (state.echoes[side][o.field] ?? []).some((e) => e.h === fieldHash(o.value)));
  const echoes = observations.filter(ours);
  if (echoes.length === 0 || echoes.length === observations.length) return [...observations];
  return [...echoes, ...observations.filter((o) => !ours(o))];
}

/** The side's fields Kongo tracks: inputs of its outbound mappings and targets of the inbound ones. */
export function trackedFields(
  inputs: readonly string[],
  targets: readonly string[],
  exclude: readonly string[],
): string[] {
  return [...new Set([...inputs, ...targets])].filter((f) => !exclude.includes(f));
}

export type { System };
