/**
 * Partition keys of the worker's item families in the shared Kongo table (sort key is always
 * `ENTITY_SK`). Integration names scope everything but `SYNC#`, whose kongoIds are globally unique,
 * so several integrations can share one local table.
 */
import { createHash } from 'node:crypto';
import type { System } from './types.ts';

export const ENTITY_SK = '_';

export const syncKey = (kongoId: string): string => `SYNC#${kongoId}`;
export const mapKey = (integration: string, system: System, id: string): string =>
  `MAP#${integration}#${system}#${id}`;
/**
 * A normalised natural key as stored: a one-way hash (sha256, base64url, domain-separated), so the
 * table never holds an email or reference in plain text. Claims and lookups only compare keys; the
 * plain value is never read back (lookups on the other side use the record's own value).
 */
export const naturalKeyHash = (key: string): string =>
  createHash('sha256').update(`kongo-natural-key\0${key}`).digest('base64url');
/** `NK#{integration}#h:{naturalKeyHash}`: the claim item of a normalised natural key. */
export const naturalKeyKey = (integration: string, key: string): string =>
  naturalKeyHashKey(integration, naturalKeyHash(key));
export const naturalKeyHashKey = (integration: string, hash: string): string => `NK#${integration}#h:${hash}`;
/**
 * The plain `NK#{integration}#{key}` items written before keys were hashed: still read (and moved to
 * the hashed key on first use) so existing claims keep deciding races; purge deletes them too.
 */
export const legacyNaturalKeyKey = (integration: string, key: string): string => `NK#${integration}#${key}`;
/**
 * An inbound event's dedupe claim. The event key names record ids (HubSpot's objectId), so it is
 * hashed like a natural key: the claim outlives a privacy deletion by up to its expiry, and must
 * not identify the person meanwhile.
 */
export const eventKey = (integration: string, key: string): string =>
  `EVT#${integration}#${createHash('sha256').update(key).digest('base64url')}`;
export const cursorKey = (integration: string, name: string): string => `CURSOR#${integration}#${name}`;

/**
 * A natural key as it is claimed: trimmed and lowercased (emails and references compare without
 * case), inner whitespace collapsed. `null` when there is nothing to claim.
 */
export function normaliseNaturalKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(/\s+/g, ' ').toLowerCase();
  return text === '' ? null : text;
}

/** A forgotten person's key, hashed so the marker itself holds no personal data. */
export const forgottenKey = (integration: string, key: string): string =>
  `FORGET#${integration}#${createHash('sha256').update(key).digest('base64url')}`;
