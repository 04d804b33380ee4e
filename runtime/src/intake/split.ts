/**
 * Intake, step one: a queued envelope → inbound events with a composite identity. HubSpot sends
 * arrays of events; the destination one event per POST; pollers a page of records.
 */

import { connectorForLegacySpec } from '../connector/legacy.ts';
import { getPath } from '../connector/paths.ts';
import { parseTimeValue } from '../connector/template.ts';
import type { ConnectorDocument } from '../connector/types.ts';
import { parseWebhookBody, webhookEvents } from '../connector/webhook-events.ts';
import type { System } from '../mapping-store/types.ts';
import type { QueueEnvelope } from '../queue/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';

export type EventAction = 'upsert' | 'delete' | 'merge' | 'restore' | 'privacy-deletion' | 'ignored';

export interface InboundEvent {
  /** Composite identity for dedupe (HubSpot's eventId alone is not unique). */
  key: string;
  /** How long the dedupe entry is kept, ms: longer for schemes whose replays carry no timestamp. */
  dedupeTtlMs: number;
  source: System;
  action: EventAction;
  /** e.g. contact.propertyChange, attendee.updated, job.created, poll. */
  type: string;
  /** The record's id on the source side. */
  objectId: string;
  /** ms */
  occurredAt: number;
  /** HubSpot propertyChange: the one property that changed. */
  changedProperty?: string;
  /** HubSpot propertyChange: that property's new value as HubSpot reports it ("" when cleared). */
  changedValue?: string;
  changeSource?: string;
  sourceId?: string;
  /** The full record when the event carries one (destination webhooks, polls). */
  record?: Record<string, unknown>;
  /** A re-check Kongo queued itself after a conflict (its conflicts are not counted again). */
  recheck?: true;
  /** The carried record's own modification time, ms, when its connector names one. */
  recordUpdatedAt?: number;
  /** HubSpot merges. */
  merge?: { primaryObjectId: string; mergedObjectIds: string[] };
  traceId: string;
}

export interface SplitResult {
  events: InboundEvent[];
  /** Entries that could not be read as events; the message stays whole in the DLQ for people. */
  malformed: Array<{ index: number; reason: string }>;
}

const HOUR = 3_600_000;
/** HubSpot retries for about a day; its events carry occurredAt, so 3 days covers every retry. */
export const TIMESTAMPED_DEDUPE_MS = 72 * HOUR;
/** Schemes without a signed timestamp can be replayed any time: remember much longer. */
export const UNTIMESTAMPED_DEDUPE_MS = 30 * 24 * HOUR;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function time(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function hubspotAction(type: string): EventAction {
  const verb = type.slice(type.indexOf('.') + 1);
  switch (verb) {
    case 'creation':
    case 'propertyChange':
      return 'upsert';
    case 'deletion':
      return 'delete';
    case 'merge':
      return 'merge';
    case 'restore':
      return 'restore';
    case 'privacyDeletion':
      return 'privacy-deletion';
    default:
      return 'ignored'; // associationChange and anything new: not synced (docs/LIMITATIONS.md)
  }
}

function splitHubSpot(envelope: QueueEnvelope, body: unknown, result: SplitResult): void {
  if (!Array.isArray(body)) {
    result.malformed.push({ index: -1, reason: 'HubSpot webhook body is not a JSON array' });
    return;
  }
  body.forEach((raw, index) => {
    const type = isObject(raw) ? (text(raw.subscriptionType) ?? text(raw.eventType)) : undefined;
    const objectId = isObject(raw) ? text(raw.objectId) : undefined;
    const occurredAt = isObject(raw) ? time(raw.occurredAt) : undefined;
    if (!isObject(raw) || type === undefined || objectId === undefined || occurredAt === undefined) {
      result.malformed.push({ index, reason: 'event lacks subscriptionType, objectId or occurredAt' });
      return;
    }
    const property = text(raw.propertyName);
    // eventId repeats across subscriptions and properties: the tuple below is what is unique.
    const key = [
      'hs',
      text(raw.subscriptionId) ?? '',
      objectId,
      occurredAt,
      property ?? '',
      text(raw.eventId) ?? '',
    ].join(':');
    const event: InboundEvent = {
      key,
      dedupeTtlMs: TIMESTAMPED_DEDUPE_MS,
      source: 'hubspot',
      action: hubspotAction(type),
      type,
      objectId,
      occurredAt,
      traceId: envelope.traceId,
    };
    if (property !== undefined) event.changedProperty = property;
    const value = text(raw.propertyValue);
    if (value !== undefined) event.changedValue = value;
    const changeSource = text(raw.changeSource);
    if (changeSource !== undefined) event.changeSource = changeSource;
    const sourceId = text(raw.sourceId);
    if (sourceId !== undefined) event.sourceId = sourceId;
    if (event.action === 'merge') {
      const primary = text(raw.primaryObjectId) ?? text(raw.newObjectId) ?? objectId;
      const merged = Array.isArray(raw.mergedObjectIds) ? raw.mergedObjectIds.map(String) : [];
      event.merge = { primaryObjectId: primary, mergedObjectIds: merged };
    }
    result.events.push(event);
  });
}

function splitDestination(
  envelope: QueueEnvelope,
  text: string,
  connector: ConnectorDocument,
  result: SplitResult,
): void {
  const webhooks = connector.webhooks;
  if (!webhooks) {
    result.malformed.push({ index: -1, reason: `connector ${connector.id} describes no webhooks` });
    return;
  }
  const parsed = parseWebhookBody(webhooks, text, envelope.headers['content-type']);
  if (!parsed.ok) {
    result.malformed.push({ index: -1, reason: `destination webhook body: ${parsed.reason}` });
    return;
  }
  const found = webhookEvents(webhooks, parsed.body);
  result.malformed.push(...found.malformed);
  const recipe = webhooks.verify;
  const headerId =
    recipe.type === 'hmac' && recipe.eventIdHeader
      ? envelope.headers[recipe.eventIdHeader.toLowerCase()]
      : undefined;
  const signedTimestamp = recipe.type === 'hmac' && recipe.timestamp !== undefined;
  const updatedAtPath = connector.record.updatedAtPath;
  found.events.forEach((event, index) => {
    const record = event.record ? projectRecord(event.record, connector) : undefined;
    const recordTime = record && updatedAtPath ? time(record[updatedAtPath]) : undefined;
    const occurredAt = time(event.occurredAt) ?? recordTime ?? envelope.receivedAt;
    const deliveryId = headerId ?? event.eventId;
    const key = deliveryId
      ? `${deliveryId}${found.events.length > 1 ? `#${index}` : ''}`
      : `${event.type}:${event.recordId}:${occurredAt}`;
    const inbound: InboundEvent = {
      key: ['dst', key].join(':'),
      dedupeTtlMs: signedTimestamp ? TIMESTAMPED_DEDUPE_MS : UNTIMESTAMPED_DEDUPE_MS,
      source: 'destination',
      action: event.action === 'ignore' ? 'ignored' : event.action,
      type: event.type,
      objectId: event.recordId,
      occurredAt,
      traceId: envelope.traceId,
    };
    if (record) {
      inbound.record = record;
      if (recordTime !== undefined) inbound.recordUpdatedAt = recordTime;
    }
    result.events.push(inbound);
  });
}

/** A record carried in an event, with its described paths readable as flat keys (as the client returns them). */
function projectRecord(raw: Record<string, unknown>, connector: ConnectorDocument): Record<string, unknown> {
  const values: Record<string, unknown> = { ...raw };
  for (const field of connector.record.fields) {
    const value = getPath(raw, field.path);
    if (value !== undefined) values[field.path] = value;
  }
  const id = getPath(raw, connector.record.idPath);
  if (id !== undefined) values[connector.record.idPath] = id;
  const { updatedAtPath, updatedAtFormat } = connector.record;
  if (updatedAtPath) {
    const at = parseTimeValue(getPath(raw, updatedAtPath), updatedAtFormat);
    if (at !== undefined) values[updatedAtPath] = new Date(at).toISOString();
  }
  return values;
}

function splitPoll(
  envelope: QueueEnvelope,
  body: unknown,
  connector: ConnectorDocument,
  result: SplitResult,
): void {
  if (!isObject(body) || !Array.isArray(body.records)) {
    result.malformed.push({ index: -1, reason: 'poll body has no records array' });
    return;
  }
  const source: System = body.source === 'hubspot' ? 'hubspot' : 'destination';
  body.records.forEach((raw, index) => {
    if (!isObject(raw)) {
      result.malformed.push({ index, reason: 'poll record is not an object' });
      return;
    }
    const properties = isObject(raw.properties) ? raw.properties : undefined;
    const objectId = source === 'hubspot' ? text(raw.id) : text(raw[connector.record.idPath]);
    const occurredAt =
      source === 'hubspot'
        ? (time(raw.updatedAt) ?? time(properties?.lastmodifieddate) ?? time(properties?.hs_lastmodifieddate))
        : time(raw[connector.record.updatedAtPath ?? 'updatedAt']);
    if (objectId === undefined) {
      result.malformed.push({ index, reason: 'poll record has no id' });
      return;
    }
    const at = occurredAt ?? envelope.receivedAt;
    const recheck = body.recheck === true;
    const event: InboundEvent = {
      // A record id + its modified time: the poller's deliberate overlap re-reads land here. A
      // re-check is its own event however often the record is looked at.
      key: recheck
        ? ['recheck', source, objectId, envelope.traceId].join(':')
        : ['poll', source, objectId, at].join(':'),
      dedupeTtlMs: TIMESTAMPED_DEDUPE_MS,
      source,
      action: 'upsert',
      type: 'poll',
      objectId,
      occurredAt: at,
      traceId: envelope.traceId,
    };
    // HubSpot search results carry only the properties asked for: hydrate them like webhooks.
    if (source === 'destination') event.record = raw;
    if (recheck) event.recheck = true;
    result.events.push(event);
  });
}

/** Splits one envelope into events; a body that is not JSON is reported whole as malformed. */
export function splitEnvelope(
  envelope: QueueEnvelope,
  spec: IntegrationSpec,
  connector?: ConnectorDocument,
): SplitResult {
  // Specs without destination.connector mean one of the two legacy catalog entries.
  const destination = (): ConnectorDocument => connector ?? connectorForLegacySpec(spec.destination);
  const result: SplitResult = { events: [], malformed: [] };
  if (envelope.kind === 'destination-webhook') {
    splitDestination(envelope, envelope.body, destination(), result);
    return result;
  }
  let body: unknown;
  try {
    body = JSON.parse(envelope.body);
  } catch {
    result.malformed.push({ index: -1, reason: 'body is not JSON' });
    return result;
  }
  switch (envelope.kind) {
    case 'hubspot-webhook':
      splitHubSpot(envelope, body, result);
      break;
    case 'poll':
      splitPoll(envelope, body, destination(), result);
      break;
    case 'replay': {
      // A replayed dead letter carries the original kind in a header.
      const original = envelope.headers['x-kongo-replay-of'];
      const kind =
        original === 'hubspot-webhook' || original === 'destination-webhook' || original === 'poll'
          ? original
          : undefined;
      if (!kind) {
        result.malformed.push({ index: -1, reason: 'replay envelope without x-kongo-replay-of' });
        break;
      }
      return splitEnvelope({ ...envelope, kind }, spec, connector);
    }
  }
  return result;
}
