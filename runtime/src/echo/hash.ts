/**
 * Value hashing for intents and echo checks. Both sides spell values differently (HubSpot sends
 * every property as a string, GraphQL sends numbers and enums), so values are normalised first:
 * null, undefined and "" are "no value"; everything else compares as its string form.
 */
import { createHash } from 'node:crypto';

export type FieldValues = Record<string, unknown>;

/** The comparable form of one value. */
export function normaliseValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : String(value);
  return text === '' ? null : text;
}

/** `record` restricted to `fields` (absent fields become null). */
export function project(record: FieldValues, fields: readonly string[]): FieldValues {
  const out: FieldValues = {};
  for (const field of fields) out[field] = record[field] ?? null;
  return out;
}

/**
 * A short, order-independent hash of `values` over `fields` (default: its own keys).
 * @example valuesHash({ email: 'a@b.c', age: 4 }) === valuesHash({ age: '4', email: 'a@b.c' })
 */
export function valuesHash(values: FieldValues, fields?: readonly string[]): string {
  const keys = [...(fields ?? Object.keys(values))].sort();
  const hash = createHash('sha256');
  for (const key of keys) {
    const value = normaliseValue(values[key]);
    // Length-prefixed so no pair of fields can collide by concatenation.
    hash.update(`${key.length}:${key}=`);
    hash.update(value === null ? '\u0000' : `${value.length}:${value}`);
    hash.update(';');
  }
  return hash.digest('base64url').slice(0, 22);
}

/**
 * A short hash of one value as written, for the per-field hashes an intent carries: a HubSpot
 * propertyChange event holds one property's new value, which is compared against this without a read.
 * "No value" (null, undefined, "") hashes as "" — HubSpot reports a cleared property as "".
 * @example fieldHash('4') === fieldHash(4); fieldHash(null) === fieldHash('')
 */
export function fieldHash(value: unknown): string {
  return createHash('sha256')
    .update(normaliseValue(value) ?? '')
    .digest('base64url')
    .slice(0, 16);
}

/** `fieldHash` of each of `fields` in `values` (absent fields as cleared). */
export function fieldHashes(values: FieldValues, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) out[field] = fieldHash(values[field]);
  return out;
}
