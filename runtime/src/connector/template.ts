/**
 * Templates of the connector format: `{name}` placeholders in strings, `{name:int}` for a typed
 * whole value, and time formats for modified-since filters. Browser-safe.
 */
import type { TimeFormat } from './types.ts';

/** `{connection.eventId}`, `{id:int}`, `{header.x-zm-request-timestamp}`, `{hmac:body.payload.plainToken}`. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.:$-]*)\}/g;

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Record<string, unknown>
  | unknown[];
export type TemplateContext = (name: string) => TemplateValue;

/** The names a template uses (`{id:int}` → `id`). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').replace(/:(int|string|number)$/, ''));
}

/** Thrown when a template names a value that is not there. */
export class MissingValueError extends Error {
  override readonly name = 'MissingValueError';
  constructor(
    readonly placeholder: string,
    template: string,
  ) {
    super(`"${template}" needs {${placeholder}}, which has no value`);
  }
}

/** Fills every placeholder as text; a missing value throws MissingValueError. */
export function renderText(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_all, raw: string) => {
    const name = raw.replace(/:(int|string|number)$/, '');
    const value = context(name);
    if (value === undefined || value === null) throw new MissingValueError(name, template);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** The member key that spreads an object's members into the enclosing object: `{ "...": "{input}", "eventId": 2 }`. */
export const SPREAD_KEY = '...';

/**
 * A JSON template: a string that is exactly one placeholder becomes that value, typed by its
 * suffix (`"{id:int}"` → 42); other strings are rendered as text; objects and arrays recurse.
 * Missing whole values become undefined (the member is left out). A member named `"..."` whose value
 * is one placeholder spreads that object's members into the enclosing object, and the fixed members
 * beside it win (`{ "...": "{input}", "eventId": "{connection.eventId:int}" }`: the mapped fields plus
 * the event, which a mapping can't override).
 */
export function renderJson(template: unknown, context: TemplateContext): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([A-Za-z_][A-Za-z0-9_.$-]*)(?::(int|string|number))?\}$/.exec(template);
    if (whole) {
      const value = context(whole[1] ?? '');
      if (value === undefined) return undefined;
      if (whole[2] === 'int' || whole[2] === 'number') {
        const n = Number(value);
        if (!Number.isFinite(n) || (whole[2] === 'int' && !Number.isInteger(n)))
          throw new TypeError(
            `{${whole[1]}:${whole[2]}} is ${JSON.stringify(value)}, not ${whole[2] === 'int' ? 'an integer' : 'a number'}`,
          );
        return n;
      }
      if (whole[2] === 'string') return value === null ? null : String(value);
      return value;
    }
    return renderText(template, context);
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, context));
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, unknown> = {};
    const members = template as Record<string, unknown>;
    if (SPREAD_KEY in members) {
      const spread = renderJson(members[SPREAD_KEY], context);
      if (spread !== undefined && spread !== null) {
        if (typeof spread !== 'object' || Array.isArray(spread))
          throw new TypeError(
            `"${SPREAD_KEY}": ${JSON.stringify(members[SPREAD_KEY])} is not an object to spread`,
          );
        Object.assign(out, spread);
      }
    }
    for (const [key, value] of Object.entries(members)) {
      if (key === SPREAD_KEY) continue;
      const rendered = renderJson(value, context);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return template;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** ms → the API's time text (or number) for a modified-since filter. */
export function formatTime(ms: number, format: TimeFormat): string | number {
  const d = new Date(ms);
  switch (format) {
    case 'iso':
      return d.toISOString();
    case 'iso-seconds':
      return `${d.toISOString().slice(0, 19)}Z`;
    case 'unix-s':
      return Math.floor(ms / 1000);
    case 'unix-ms':
      return ms;
    case 'sql':
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    case 'date':
      return d.toISOString().slice(0, 10);
  }
}

/** The API's time value → ms, or undefined. `sql` times are UTC. */
export function parseTimeValue(value: unknown, format: TimeFormat | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (format === 'unix-s') return value * 1000;
    return value;
  }
  if (typeof value !== 'string' || value === '') return undefined;
  if (format === 'sql' || /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value)) {
    const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (format === 'unix-s' && /^\d+$/.test(value)) return Number(value) * 1000;
  if (format === 'unix-ms' && /^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
