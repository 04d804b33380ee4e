/**
 * The last line of defence between a log call and the outside world: only allow-listed field names pass,
 * values are scalars, and strings are scrubbed of anything that looks like a secret or personal data.
 */

export type LogValue = string | number | boolean | null;
export type LogFields = Record<string, LogValue | undefined>;

/** Field names a log line may carry: ids, counts, outcomes, reasons, durations. Anything else is dropped. */
export const ALLOWED_LOG_FIELDS: ReadonlySet<string> = new Set([
  'integrationId',
  'clientSlug',
  'traceId',
  'stage',
  'outcome',
  'kind',
  'reason',
  'recordId',
  'sourceId',
  'targetId',
  'syncId',
  'objectType',
  'direction',
  'system',
  'eventId',
  'eventType',
  'messageId',
  'deadLetterId',
  'commandId',
  'check',
  'ok',
  'status',
  'statusCode',
  'attempt',
  'attempts',
  'count',
  'batchSize',
  'durationMs',
  'delayMs',
  'ageMs',
  'depth',
  'value',
  'errorName',
  'crashPoint',
  'parameter',
  'maxBodyBytes',
]);

const MAX_STRING = 300;

// Each pattern is something that must never leave the process: the replacement says what was removed.
const SCRUBBERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\b(?:whsec|sk_test|sk_live|pk_test|pk_live)_[A-Za-z0-9+/=_-]+/g, '[secret]'],
  [/\bpat-[a-z0-9]+-[A-Za-z0-9-]+/g, '[secret]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [secret]'],
  [/https:\/\/hooks\.slack\.com\/[^\s"']+/g, '[slack-webhook]'],
];
// Free text (reasons, messages) may quote a value; a phone-like digit run is personal data. Ids are exempt:
// a HubSpot record id is a long digit run too.
const PHONE_LIKE: readonly [RegExp, string] = [/\+?\d[\d\s().-]{7,}\d/g, '[number]'];

/** Field names holding free text rather than ids or codes. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(['reason', 'msg']);

/**
 * Removes emails, tokens and webhook URLs (and, in free text, phone-like digit runs) and caps the length.
 * @example scrub('invalid email ada@example.com', true) === 'invalid email [email]'
 */
export function scrub(text: string, freeText = true): string {
  let out = text;
  for (const [pattern, replacement] of SCRUBBERS) out = out.replace(pattern, replacement);
  if (freeText) out = out.replace(PHONE_LIKE[0], PHONE_LIKE[1]);
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING - 1)}…` : out;
}

/** A stable code or id: letters, digits and `._:/#-` only (ids and kinds never need more). */
export function safeId(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._:/#-]/g, '_');
  return cleaned.slice(0, 200);
}

/**
 * Keeps allow-listed fields with scalar values; strings are scrubbed. Returns the names it dropped so the
 * log line can say something was withheld (without saying what it held).
 */
export function redactFields(fields: LogFields): { kept: Record<string, LogValue>; dropped: string[] } {
  const kept: Record<string, LogValue> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!ALLOWED_LOG_FIELDS.has(name)) {
      dropped.push(name);
      continue;
    }
    if (typeof value === 'string') kept[name] = scrub(value, FREE_TEXT_FIELDS.has(name));
    else if (typeof value === 'number') kept[name] = Number.isFinite(value) ? value : null;
    else kept[name] = value;
  }
  return { kept, dropped };
}
