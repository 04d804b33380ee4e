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
export const naturalKeyKey = (integration: string, key: string): string => `NK#${integration}#${key}`;
export const eventKey = (integration: string, key: string): string => `EVT#${integration}#${key}`;
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
