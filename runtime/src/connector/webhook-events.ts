/**
 * Reading a destination webhook body as the connector describes it: JSON or form-encoded (with
 * JSON-valued fields), one event or a list of them, and in each the event type, the record id, when
 * it happened, the delivery id and the record itself when the event carries it. Browser-safe.
 */
import { getPath } from './paths.ts';
import type { Webhooks } from './types.ts';

export interface WebhookEvent {
  type: string;
  recordId: string;
  action: 'upsert' | 'delete' | 'ignore';
  occurredAt?: unknown;
  eventId?: string;
  record?: Record<string, unknown>;
}

export type WebhookBody = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/** Parses the raw text as the connector's body format. */
export function parseWebhookBody(
  webhooks: Pick<Webhooks, 'bodyFormat' | 'jsonFields'>,
  text: string,
  contentType?: string | null,
): WebhookBody {
  // The request's own Content-Type wins when it names JSON or a form: one API may send either (ServiceM8's
  // docs say form-encoded, its staff describe JSON). Otherwise the connector's bodyFormat says.
  const declared = /^\s*application\/([a-z.+-]*\+)?json\b/i.test(contentType ?? '')
    ? 'json'
    : /^\s*application\/x-www-form-urlencoded\b/i.test(contentType ?? '')
      ? 'form'
      : webhooks.bodyFormat;
  if (declared === 'form') {
    const body: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      if (webhooks.jsonFields?.includes(key)) {
        try {
          body[key] = JSON.parse(value);
        } catch {
          return { ok: false, reason: `form field "${key}" is not JSON` };
        }
      } else body[key] = value;
    }
    return { ok: true, body };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'not-an-object' };
  return { ok: true, body: parsed as Record<string, unknown> };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** A path inside one event; a leading `^` reads from the whole body. */
function read(body: Record<string, unknown>, event: unknown, path: string): unknown {
  return path.startsWith('^') ? getPath(body, path.slice(1)) : getPath(event, path);
}

/** The default meaning of an event type the connector does not list. */
export function defaultAction(type: string): 'upsert' | 'delete' {
  return /(^|[._-])(deleted|removed)$/i.test(type) ? 'delete' : 'upsert';
}

/** The events in a parsed body; entries without a type or id are reported, not dropped. */
export function webhookEvents(
  webhooks: Webhooks,
  body: Record<string, unknown>,
): { events: WebhookEvent[]; malformed: Array<{ index: number; reason: string }> } {
  const list = webhooks.events ? getPath(body, webhooks.events) : [body];
  const events: WebhookEvent[] = [];
  const malformed: Array<{ index: number; reason: string }> = [];
  if (!Array.isArray(list)) {
    malformed.push({ index: -1, reason: `webhook body has no event list at "${webhooks.events}"` });
    return { events, malformed };
  }
  list.forEach((event, index) => {
    const type = text(read(body, event, webhooks.eventType));
    const recordId = text(read(body, event, webhooks.recordId));
    if (type === undefined || recordId === undefined) {
      malformed.push({
        index,
        reason: `webhook event lacks ${type === undefined ? `its type at "${webhooks.eventType}"` : `its record id at "${webhooks.recordId}"`}`,
      });
      return;
    }
    const found: WebhookEvent = { type, recordId, action: webhooks.actions?.[type] ?? defaultAction(type) };
    if (webhooks.occurredAt) {
      const at = read(body, event, webhooks.occurredAt);
      if (at !== undefined) found.occurredAt = at;
    }
    if (webhooks.eventId) {
      const id = text(read(body, event, webhooks.eventId));
      if (id !== undefined) found.eventId = id;
    }
    if (webhooks.record !== undefined) {
      const record = read(body, event, webhooks.record);
      if (typeof record === 'object' && record !== null && !Array.isArray(record))
        found.record = record as Record<string, unknown>;
    }
    events.push(found);
  });
  return { events, malformed };
}
