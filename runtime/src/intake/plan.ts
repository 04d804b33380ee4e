/**
 * Intake, step two: events → one unit of work per record, in occurredAt order. Several changes to
 * one record in a batch collapse to the newest: hydration reads the record as it is now, which
 * already holds every older change, so an older change can never overwrite a newer one.
 */
import type { System } from '../mapping-store/types.ts';
import type { EventAction, InboundEvent } from './split.ts';

export interface RecordWork {
  source: System;
  objectId: string;
  /** What happens to the record: the newest event's action. */
  action: EventAction;
  /** Every event of the batch for this record, oldest first. */
  events: InboundEvent[];
  /** The newest event. */
  latest: InboundEvent;
  /** Every property a HubSpot propertyChange named (empty when any event was not a propertyChange). */
  changedProperties: string[];
}

/** Groups events by record and orders both groups and events by occurredAt (stable). */
export function planRecords(events: readonly InboundEvent[]): RecordWork[] {
  const groups = new Map<string, InboundEvent[]>();
  for (const event of events) {
    if (event.action === 'ignored') continue;
    const id = `${event.source}:${event.objectId}`;
    const group = groups.get(id);
    if (group) group.push(event);
    else groups.set(id, [event]);
  }
  const work: RecordWork[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.occurredAt - b.occurredAt);
    const latest = group[group.length - 1];
    if (!latest) continue;
    const allPropertyChanges = group.every((e) => e.changedProperty !== undefined);
    // A restore followed by edits in the same batch is still a restore (then the edits apply).
    const lastRestore = group.findLastIndex((e) => e.action === 'restore');
    const lastDelete = group.findLastIndex((e) => e.action === 'delete');
    const action = latest.action === 'upsert' && lastRestore > lastDelete ? 'restore' : latest.action;
    work.push({
      source: latest.source,
      objectId: latest.objectId,
      action,
      events: group,
      latest,
      changedProperties: allPropertyChanges ? [...new Set(group.map((e) => e.changedProperty ?? ''))] : [],
    });
  }
  return work.sort((a, b) => a.latest.occurredAt - b.latest.occurredAt);
}
