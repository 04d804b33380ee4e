/**
 * The convergence rule, per field, across both sides (docs/RUNTIME.md "Convergence"): pure functions
 * over an entity's FieldState, so the worker, retries and replays all decide the same way.
 *
 * 1. observe: each field of an inbound record is compared with the last value Kongo saw or wrote on
 *    that side. It is our echo (provenance, else a not-yet-used entry of the write history), unchanged,
 *    stale (that side already moved past it), overwritten (a person's edit that our write landed on
 *    top of: the two never saw each other, decide() says which wins) or a change at its source time.
 * 2. decide: each mapping whose inputs are current yields the target value; it is written only when it
 *    differs from what the target holds and its source time is newer (conflict window and field
 *    ownership aside).
 */
import { fieldHash, normaliseValue } from '../echo/hash.ts';
import { otherSystem, type System } from '../mapping-store/types.ts';
import {
  type EchoEntry,
  type FieldBase,
  type FieldState,
  MAX_ECHOES_PER_FIELD,
  MAX_SEEN_UNDER_WRITE,
} from './state.ts';

/** One field of an inbound record as its side reports it. */
export interface FieldObservation {
  field: string;
  value: unknown;
  /** When the side got this value, ms on that side's clock (the edit's source time for a person's edit). */
  at: number;
  /** Who made the change, where the side says so: Kongo ('ours') or anyone else ('person'). */
  provenance?: 'ours' | 'person';
}

export type FieldVerdict = 'changed' | 'unchanged' | 'echo' | 'stale' | 'overwritten';

export interface ObserveResult {
  state: FieldState;
  verdicts: Record<string, FieldVerdict>;
  /** Fields whose value on the source side must be put back (verdict 'overwritten'). */
  restore: string[];
}

/**
 * Applies one side's observations to the state. Never mutates `state`.
 * @example observe(state, 'destination', [{ field: 'lastName', value: 'Lovelace', at: t1 }], { now, echoWindowMs })
 */
export function observe(
  state: FieldState,
  side: System,
  observations: readonly FieldObservation[],
  options: { now: number; echoWindowMs: number },
): ObserveResult {
  const next: FieldState = {
    base: { hubspot: { ...state.base.hubspot }, destination: { ...state.base.destination } },
    echoes: { hubspot: { ...state.echoes.hubspot }, destination: { ...state.echoes.destination } },
  };
  const verdicts: Record<string, FieldVerdict> = {};
  const restore: string[] = [];
  // A record that carries one of our writes back, seen for the first time (the echo of our create):
  // the fields we did not write are the side's own defaults, a consequence of our write, not edits.
  const echoOfOurCreate = observations.some((o) => {
    if (o.provenance === 'ours') return true;
    const h = fieldHash(o.value);
    return o.provenance !== 'person' && (state.echoes[side][o.field] ?? []).some((e) => e.h === h && !e.u);
  });
  for (const o of observations) {
    const h = fieldHash(o.value);
    const base = next.base[side][o.field];
    const entries = (next.echoes[side][o.field] ?? []).filter(
      (e) => options.now - e.at <= options.echoWindowMs,
    );
    // Provenance first: a change the side says we made is our echo. Else the history: any value we
    // wrote within the window (not only the latest) absorbs one echo, so A→B→A by a person survives.
    const matched = o.provenance === 'person' ? -1 : entries.findIndex((e) => e.h === h && !e.u);
    if (o.provenance === 'ours' || matched >= 0) {
      const entry: EchoEntry | undefined = matched >= 0 ? entries[matched] : undefined;
      if (entry) entries[matched] = { ...entry, u: 1 };
      next.echoes[side][o.field] = entries;
      const newer = base === undefined || base.s === undefined || o.at >= base.s;
      if (newer) {
        const origin = entry ?? (base?.h === h ? base : undefined);
        next.base[side][o.field] = {
          h,
          t: origin?.t ?? base?.t ?? o.at,
          s: o.at,
          o: origin?.o ?? otherSystem(side),
        };
      }
      verdicts[o.field] = 'echo';
      continue;
    }
    next.echoes[side][o.field] = entries;
    if (base && base.h === h) {
      if (base.s === undefined || o.at > base.s) next.base[side][o.field] = { ...base, s: o.at };
      verdicts[o.field] = 'unchanged';
      continue;
    }
    if (base) {
      const olderOnSide = base.s !== undefined ? o.at < base.s : o.at < base.t;
      // A record read before our write landed still shows the value our write replaced: no edit.
      // So does one showing a person's edit that an earlier read already showed under that write (it was
      // judged then, at its own time; a later read of the whole record re-stamps it with the record's time).
      // The base is our write when it carries the other side's edit, or when it is our restore of this
      // side's own edit (an entry of ours written to this side from this side).
      const ourWrite =
        base.s !== undefined && (base.o !== side || entries.some((e) => e.h === base.h && e.o === side));
      const replaced = ourWrite && entries.some((e) => e.h === base.h && (e.r === h || e.v?.includes(h)));
      if (olderOnSide && replaced) {
        verdicts[o.field] = 'stale';
        continue;
      }
      if (olderOnSide) {
        // The side holds a newer value than this one. If that newer value is ours (it carries the other
        // side's edit), our write landed on top of this person's edit, made before the write landed: the
        // two edits never saw each other. Which one wins is decide()'s to say, by source time and the
        // conflict window (an edit 3 s older on a clock 3 s behind may be inside the window and go to
        // the declared side); if this edit wins it is put back on its own side, else the worker keeps
        // the base. Our restore of an older edit of this side's own landed on top of a newer edit made
        // here in the meantime: the same, on one clock. An older value of this side's own is stale.
        if (ourWrite && base.s !== undefined && (base.o !== side || o.at > base.t)) {
          next.base[side][o.field] = { h, t: o.at, s: base.s, o: side };
          verdicts[o.field] = 'overwritten';
          restore.push(o.field);
          for (let i = entries.length - 1; i >= 0; i--) {
            const entry = entries[i];
            if (entry?.h !== base.h) continue;
            entries[i] = { ...entry, v: [...(entry.v ?? []), h].slice(-MAX_SEEN_UNDER_WRITE) };
            break;
          }
        } else verdicts[o.field] = 'stale';
        continue;
      }
    }
    if (!base && (echoOfOurCreate || normaliseValue(o.value) === null)) {
      // First sight of a field that holds nothing: nobody edited it, so it carries no edit time
      // (a record created without a job title must not beat a job title typed a second later).
      next.base[side][o.field] = { h, t: 0, s: o.at, o: side };
      verdicts[o.field] = 'unchanged';
      continue;
    }
    // Made after this side got the other side's edit (ours, landed): a successor of it, not a conflict.
    const succeeds =
      base !== undefined && base.o !== side && base.s !== undefined && o.at >= base.s ? base.t : undefined;
    next.base[side][o.field] = {
      h,
      t: o.at,
      s: o.at,
      o: side,
      ...(succeeds === undefined ? {} : { p: succeeds }),
    };
    verdicts[o.field] = 'changed';
  }
  return { state: next, verdicts, restore };
}

/** One mapping's computed value for the target side. */
export interface MappedValue {
  /** The target field. */
  target: string;
  /** Source fields it reads. */
  inputs: readonly string[];
  /** The value as it would be written; undefined when it cannot be computed or is left unwritten. */
  value: unknown;
}

export interface DecideInput {
  state: FieldState;
  source: System;
  /** The source record's values (source field names), to check each input is current. */
  sourceValues: Record<string, unknown>;
  mapped: readonly MappedValue[];
  verdicts: Record<string, FieldVerdict>;
  /** The target has no record yet: every computable field is written. */
  create: boolean;
  conflicts: { windowMs: number; winner: System };
  /** Target fields owned by the target side (never written from the source) or by the source (always). */
  ownedByTarget: ReadonlySet<string>;
  ownedBySource: ReadonlySet<string>;
}

export interface FieldWrite {
  value: unknown;
  /** Source time and side of the winning edit. */
  t: number;
  o: System;
}

export interface Decision {
  writes: Record<string, FieldWrite>;
  /** Target fields where edits on both sides fell inside the conflict window. */
  conflicts: string[];
  /** Conflicts the target side won: its value must flow back to the source (a re-check of the target). */
  lost: string[];
  /** Target fields not written because the target holds a newer edit or an input is not current. */
  older: string[];
}

/** Which target fields to write, and why not the others. Never mutates its input. */
export function decide(input: DecideInput): Decision {
  const target = otherSystem(input.source);
  const decision: Decision = { writes: {}, conflicts: [], lost: [], older: [] };
  for (const m of input.mapped) {
    if (m.value === undefined) continue;
    if (!input.create && input.ownedByTarget.has(m.target)) continue;
    let t = 0;
    let o: System = input.source;
    let current = true;
    let caused = false;
    for (const field of m.inputs) {
      const base = input.state.base[input.source][field];
      // Never observed on this side (a create whose events named other properties, e.g. a reordered
      // propertyChange batch without the creation): on a create the record's value as read is all there
      // is, and the target holds nothing to protect — else a create would go out without its natural key.
      if (!base && input.create) continue;
      if (!base || base.h !== fieldHash(input.sourceValues[field])) {
        current = false;
        break;
      }
      const verdict = input.verdicts[field];
      if (verdict === 'changed' || verdict === 'overwritten') caused = true;
      if (base.t > t || (base.t === t && base.o === input.source)) {
        t = base.t;
        o = base.o;
      }
    }
    if (!current) {
      // An input moved on since this record was read: a newer change decides this field.
      decision.older.push(m.target);
      continue;
    }
    const h = fieldHash(m.value);
    const held: FieldBase | undefined = input.state.base[target][m.target];
    if (input.create) {
      decision.writes[m.target] = { value: m.value, t, o };
      continue;
    }
    if (held && held.h === h) continue; // the target already holds it (judged through the mapping)
    if (input.ownedBySource.has(m.target)) {
      decision.writes[m.target] = { value: m.value, t, o };
      continue;
    }
    if (!held) {
      // Nothing known of the target's field (an entity from before per-field state): write on a cause.
      if (caused) decision.writes[m.target] = { value: m.value, t, o };
      continue;
    }
    // Never edited on the source (a default, an empty field at creation): nothing to carry over.
    if (t === 0) continue;
    // An edit made after its side held the target's edit (or a newer one) follows it: newest wins, even
    // across clocks that differ by seconds. Only edits made without seeing each other can conflict.
    const succeeds = m.inputs.some((field) => (input.state.base[input.source][field]?.p ?? -1) >= held.t);
    if (succeeds && o === input.source) {
      decision.writes[m.target] = { value: m.value, t, o };
      continue;
    }
    // And the other way round: the target's edit was made after the target held this very edit.
    if (held.o === target && held.p !== undefined && held.p >= t && o === input.source) {
      decision.older.push(m.target);
      continue;
    }
    const inConflict =
      held.o === target && o === input.source && Math.abs(t - held.t) <= input.conflicts.windowMs;
    if (inConflict) {
      decision.conflicts.push(m.target);
      if (input.conflicts.winner === input.source) decision.writes[m.target] = { value: m.value, t, o };
      else decision.lost.push(m.target);
      continue;
    }
    if (t > held.t) decision.writes[m.target] = { value: m.value, t, o };
    else decision.older.push(m.target);
  }
  return decision;
}

/**
 * The state once an intent to write `writes` to `side` is recorded: each value joins that field's
 * write history (before the call, so an echo that outruns the answer is still ours).
 */
export function rememberWrites(
  state: FieldState,
  side: System,
  writes: Record<string, FieldWrite>,
  key: string,
  now: number,
  echoWindowMs: number,
): FieldState {
  const next: FieldState = {
    base: state.base,
    echoes: { ...state.echoes, [side]: { ...state.echoes[side] } } as FieldState['echoes'],
  };
  for (const [field, write] of Object.entries(writes)) {
    const h = fieldHash(write.value);
    let kept = (next.echoes[side][field] ?? []).filter((e) => now - e.at <= echoWindowMs);
    if (!kept.some((e) => e.k === key && e.h === h && !e.u)) {
      const replaced = state.base[side][field]?.h;
      kept.push({
        h,
        t: write.t,
        o: write.o,
        at: now,
        k: key,
        ...(replaced === undefined ? {} : { r: replaced }),
      });
    }
    // Over the cap, entries already used up go first (oldest first), then the oldest.
    while (kept.length > MAX_ECHOES_PER_FIELD) {
      const used = kept.findIndex((e) => e.u);
      kept = used >= 0 ? kept.filter((_, i) => i !== used) : kept.slice(1);
    }
    next.echoes[side][field] = kept;
  }
  return next;
}

/** The target's base once the write landed: each field holds the written value with the winning edit's time. */
export function committedBase(
  writes: Record<string, FieldWrite>,
  landedAt: number | undefined,
): Record<string, FieldBase> {
  const out: Record<string, FieldBase> = {};
  for (const [field, write] of Object.entries(writes)) {
    out[field] = {
      h: fieldHash(write.value),
      t: write.t,
      o: write.o,
      ...(landedAt === undefined ? {} : { s: landedAt }),
    };
  }
  return out;
}
