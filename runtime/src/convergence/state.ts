/**
 * The per-field convergence state Kongo keeps on each sync entity: for every mapped field on each side,
 * the last value Kongo saw or wrote there (as a hash) with the source time of the edit it came from,
 * and the history of values Kongo wrote (for echo matching). Values themselves are never stored.
 */
import type { System } from '../mapping-store/types.ts';

/** The last value Kongo saw or wrote on one side for one field. */
export interface FieldBase {
  /** `fieldHash` (echo/hash.ts) of the value. */
  h: string;
  /**
   * Source time of the edit this value comes from, ms on the clock of the side where a person made
   * it (`o`). A value Kongo wrote carries the time of the original edit, not the time of the write.
   */
  t: number;
  /** When this side got the value, ms on this side's own clock (event occurredAt, record updatedAt). */
  s?: number;
  /** The side where the edit was made. */
  o: System;
  /**
   * For a person's edit made on this side after it already held a value carrying the other side's
   * edit: that edit's source time. The edit is its successor (the person saw it), never a conflict.
   */
  p?: number;
}

/** One value Kongo wrote to a field: the next change that carries it is our echo (once). */
export interface EchoEntry {
  h: string;
  /** Source time and side of the edit the written value came from. */
  t: number;
  o: System;
  /** When Kongo recorded the write, ms on Kongo's clock: entries older than the echo window are forgotten. */
  at: number;
  /** The intent key the write went out with (a repeated attempt adds no second entry). */
  k: string;
  /**
   * `fieldHash` of the value the field held (its base) when Kongo decided this write: a record read
   * before the write landed still shows it, and that is no edit.
   */
  r?: string;
  /** 1 once an echo used this entry up (kept, for `r`, until the window or the cap drops it). */
  u?: 1;
  /**
   * `fieldHash`es of a person's edits a read showed under this write (made before it landed, verdict
   * `overwritten`): judged once at their own time, a later read showing them again is no new edit.
   */
  v?: string[];
}

export interface FieldState {
  base: Record<System, Record<string, FieldBase>>;
  echoes: Record<System, Record<string, EchoEntry[]>>;
}

/** Who may change the entity right now: taken with the intent, released at commit, expires after a crash. */
export interface Lease {
  owner: string;
  /** ms on Kongo's clock. */
  until: number;
}

/** Written values remembered per field (the oldest go first): bounds the item size. */
export const MAX_ECHOES_PER_FIELD = 16;

/** A person's edits remembered per written value (`EchoEntry.v`). */
export const MAX_SEEN_UNDER_WRITE = 4;

export function emptyFieldState(): FieldState {
  return { base: { hubspot: {}, destination: {} }, echoes: { hubspot: {}, destination: {} } };
}

/** A copy that always has both sides' maps (items written before the state existed have none). */
export function normaliseFieldState(state: Partial<FieldState> | undefined): FieldState {
  const out = emptyFieldState();
  for (const side of ['hubspot', 'destination'] as const) {
    out.base[side] = { ...(state?.base?.[side] ?? {}) };
    const echoes = state?.echoes?.[side] ?? {};
    for (const [field, entries] of Object.entries(echoes)) out.echoes[side][field] = [...entries];
  }
  return out;
}

/** True when `lease` is held by someone other than `owner` and has not expired at `now`. */
export function leaseBusy(lease: Lease | undefined, owner: string, now: number): boolean {
  return lease !== undefined && lease.owner !== owner && lease.until > now;
}
