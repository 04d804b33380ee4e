/**
 * The soak benchmark's truth, computed only from what the edit generator did (its own log) and the rule
 * Kongo promises (issue #11): per mapped field, the value of the most recent change by the time it was made
 * at its source wins; changes on the two sides closer together than the conflict window go to the declared
 * side. Also the checks of the simulators' final records and write logs against that truth. Pure: no I/O.
 */

export type Side = 'hubspot' | 'destination';

/** One change a person made, as the generator logged it. `fields` by HubSpot property name. */
export interface EditLogEntry {
  /** The generator's change number (a racing create or a conflict pair logs two entries). */
  change: number;
  email: string;
  side: Side;
  kind: 'create' | 'edit' | 'delete';
  fields: Record<string, string>;
  /** The source system's own time of the change (its clock, offset included), epoch ms. */
  sourceTimeMs: number;
  /** This machine's clock when the simulator answered, epoch ms. */
  realTimeMs: number;
}

export interface ConflictRule {
  windowMs: number;
  winner: Side;
}

/**
 * Whether `side` held `value` in `field` (HubSpot name), written there by the integration, no later than
 * `atMs` on that side's clock — read from that simulator's own write log. An edit made after its side held the
 * other side's edit follows it (the person saw it): newest wins there, never the conflict window
 * (docs/RUNTIME.md, "Decide").
 */
export type HeldBefore = (side: Side, email: string, field: string, value: string, atMs: number) => boolean;

/** `HeldBefore` from the simulators' write logs (`toField` maps a HubSpot property to that side's field name). */
export function heldBeforeFrom(
  logs: Record<Side, readonly (LoggedWrite & { at: string })[]>,
  toField: (side: Side, field: string) => string,
): HeldBefore {
  return (side, email, field, value, atMs) => {
    const name = toField(side, field);
    return logs[side].some(
      (w) =>
        w.by === 'api' &&
        w.key?.toLowerCase() === email &&
        w.changed[name]?.after === value &&
        Date.parse(w.at) <= atMs,
    );
  };
}

export interface FieldTruth {
  value: string | null;
  side: Side;
  sourceTimeMs: number;
  /** The newest edits of both sides fell within the conflict window (the declared side won). */
  conflict: boolean;
  /**
   * Also accepted, when both sides hold it: the declared winner's value where the other edit was made after
   * its side held the winner's edit (so it succeeds it, `value`) but the integration may not have learnt that
   * our write had landed — its answer lost (a timeout after processing, a crash before the commit) and the
   * echo not yet seen. Nothing outside the integration can tell which it knew.
   */
  alternative?: string | null;
}

export interface PersonTruth {
  email: string;
  fields: Record<string, FieldTruth>;
  /** The side a person deleted the record on, if any (the generator never edits it afterwards). */
  deletedOn?: Side;
  /** Every value any person set for each field, for telling an invented value from an old one. */
  history: Record<string, Set<string>>;
}

/** Expected final state per person (by email), from the log alone. */
export function expectedState(
  log: readonly EditLogEntry[],
  rule: ConflictRule,
  heldBefore: HeldBefore = () => false,
): Map<string, PersonTruth> {
  const newest = new Map<string, Map<string, Partial<Record<Side, EditLogEntry>>>>();
  const people = new Map<string, PersonTruth>();
  for (const entry of log) {
    const person = people.get(entry.email) ?? { email: entry.email, fields: {}, history: {} };
    people.set(entry.email, person);
    if (entry.kind === 'delete') {
      person.deletedOn = entry.side;
      continue;
    }
    const byField = newest.get(entry.email) ?? new Map<string, Partial<Record<Side, EditLogEntry>>>();
    newest.set(entry.email, byField);
    for (const [field, value] of Object.entries(entry.fields)) {
      const seen = person.history[field] ?? new Set<string>();
      seen.add(value);
      person.history[field] = seen;
      const sides = byField.get(field) ?? {};
      const previous = sides[entry.side];
      if (!previous || entry.sourceTimeMs >= previous.sourceTimeMs) sides[entry.side] = entry;
      byField.set(field, sides);
    }
  }
  for (const [email, byField] of newest) {
    const person = people.get(email);
    if (!person) continue;
    for (const [field, sides] of byField) {
      const hubspot = sides.hubspot;
      const destination = sides.destination;
      let winner: EditLogEntry;
      let conflict = false;
      if (hubspot && destination) {
        const hubspotValue = hubspot.fields[field] ?? '';
        const destinationValue = destination.fields[field] ?? '';
        // An edit made after its side held the other side's newest edit succeeds it: no conflict.
        const destinationSaw = heldBefore(
          'destination',
          email,
          field,
          hubspotValue,
          destination.sourceTimeMs,
        );
        const hubspotSaw = heldBefore('hubspot', email, field, destinationValue, hubspot.sourceTimeMs);
        conflict =
          !destinationSaw &&
          !hubspotSaw &&
          Math.abs(hubspot.sourceTimeMs - destination.sourceTimeMs) <= rule.windowMs;
        winner = destinationSaw
          ? destination
          : hubspotSaw
            ? hubspot
            : conflict
              ? rule.winner === 'hubspot'
                ? hubspot
                : destination
              : hubspot.sourceTimeMs > destination.sourceTimeMs
                ? hubspot
                : destination;
      } else {
        winner = (hubspot ?? destination) as EditLogEntry;
      }
      const declared = rule.winner === 'hubspot' ? hubspot : destination;
      const withinWindow =
        hubspot !== undefined &&
        destination !== undefined &&
        Math.abs(hubspot.sourceTimeMs - destination.sourceTimeMs) <= rule.windowMs;
      person.fields[field] = {
        value: winner.fields[field] ?? null,
        side: winner.side,
        sourceTimeMs: winner.sourceTimeMs,
        conflict,
        ...(withinWindow && !conflict && declared && declared !== winner
          ? { alternative: declared.fields[field] ?? null }
          : {}),
      };
    }
  }
  return people;
}

/** A record as a simulator holds it at the end, by HubSpot property name (mapped back from the destination). */
export type FinalRecord = Record<string, string | null>;

export interface FieldMiss {
  email: string;
  side: Side;
  field: string;
  expected: string | null;
  actual: string | null;
  /** `older`: a value some person set earlier (a lost change); `invented`: no person ever set it. */
  kind: 'older' | 'invented' | 'missing-record';
}

export interface Verdict {
  people: number;
  converged: number;
  /** People whose record is missing on a side where it should exist. */
  missing: number;
  /** Records on a side beyond one per person (or for people the generator never made). */
  duplicates: number;
  /** Deleted records that exist again on the side they were deleted on. */
  resurrected: number;
  misses: FieldMiss[];
  /** (person, field) pairs whose final value somewhere is not the newest edit: each is a lost change. */
  lostChanges: number;
  /** Fields whose newest edits on both sides fell within the conflict window. */
  conflictsExpected: number;
  /** Fields that ended, on both sides alike, at their `alternative` (see FieldTruth). */
  alternatives: number;
}

const same = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a === undefined || a === null || a === '' ? null : a) ===
  (b === undefined || b === null || b === '' ? null : b);

/**
 * Compares the simulators' final records (all records per email, per side) with the truth. A deleted person
 * must be absent on the side it was deleted on; the other side follows the delete policy (`flag`/`ignore`:
 * kept with the newest values, `propagate`: gone).
 */
export function judge(
  truth: ReadonlyMap<string, PersonTruth>,
  finals: Record<Side, ReadonlyMap<string, FinalRecord[]>>,
  deletePolicy: 'ignore' | 'propagate' | 'flag',
): Verdict {
  const verdict: Verdict = {
    people: truth.size,
    converged: 0,
    missing: 0,
    duplicates: 0,
    resurrected: 0,
    misses: [],
    lostChanges: 0,
    conflictsExpected: 0,
    alternatives: 0,
  };
  for (const side of ['hubspot', 'destination'] as const) {
    for (const [email, records] of finals[side]) {
      if (!truth.has(email)) verdict.duplicates += records.length;
      else verdict.duplicates += Math.max(0, records.length - 1);
    }
  }
  for (const person of truth.values()) {
    verdict.conflictsExpected += Object.values(person.fields).filter((f) => f.conflict).length;
    let ok = true;
    const lost = new Set<string>();
    // A field whose every existing side holds its alternative is settled (see FieldTruth.alternative).
    const settledOnAlternative = new Set<string>();
    for (const [field, expected] of Object.entries(person.fields)) {
      if (expected.alternative === undefined) continue;
      const held = (['hubspot', 'destination'] as const)
        .map((side) => finals[side].get(person.email)?.[0])
        .filter((r): r is FinalRecord => r !== undefined)
        .map((r) => r[field] ?? null);
      if (held.length > 0 && held.every((v) => same(v, expected.alternative))) {
        settledOnAlternative.add(field);
        verdict.alternatives += 1;
      }
    }
    for (const side of ['hubspot', 'destination'] as const) {
      const record = finals[side].get(person.email)?.[0];
      const shouldExist =
        person.deletedOn === undefined || (person.deletedOn !== side && deletePolicy !== 'propagate');
      if (!shouldExist) {
        if (record) {
          verdict.resurrected += 1;
          ok = false;
        }
        continue;
      }
      if (!record) {
        verdict.missing += 1;
        verdict.misses.push({
          email: person.email,
          side,
          field: '*',
          expected: 'a record',
          actual: null,
          kind: 'missing-record',
        });
        ok = false;
        continue;
      }
      for (const [field, expected] of Object.entries(person.fields)) {
        const actual = record[field] ?? null;
        if (same(actual, expected.value) || settledOnAlternative.has(field)) continue;
        ok = false;
        lost.add(field);
        verdict.misses.push({
          email: person.email,
          side,
          field,
          expected: expected.value,
          actual,
          kind: actual !== null && person.history[field]?.has(actual) ? 'older' : 'invented',
        });
      }
    }
    verdict.lostChanges += lost.size;
    if (ok) verdict.converged += 1;
  }
  return verdict;
}

/** One applied write as a simulator's write log has it (see sandbox/src/sim-kit/write-log.ts). */
export interface LoggedWrite {
  by: 'api' | 'ui';
  operation: 'create' | 'update' | 'delete';
  key?: string;
  changed: Record<string, { before: string | null; after: string | null }>;
}

export interface CauselessWrites {
  /** API updates that changed nothing. */
  noOp: number;
  /** API writes that set a mapped field to a value no person ever set for that person. */
  invented: number;
  /** API deletes while the delete policy is not `propagate`. */
  deletes: number;
  total: number;
}

/**
 * Writes the integration made (`by: api`) that no person's change explains: read from a simulator's own write
 * log, never from Kongo's counters. `fields` are the mapped fields in that simulator's names, `toHubSpot` maps
 * them to HubSpot property names (the truth's keys).
 */
export function causelessWrites(
  writes: readonly LoggedWrite[],
  truth: ReadonlyMap<string, PersonTruth>,
  toHubSpot: (field: string) => string | undefined,
  deletePolicy: 'ignore' | 'propagate' | 'flag',
): CauselessWrites {
  const out: CauselessWrites = { noOp: 0, invented: 0, deletes: 0, total: 0 };
  for (const write of writes) {
    if (write.by !== 'api') continue;
    if (write.operation === 'delete') {
      if (deletePolicy !== 'propagate') out.deletes += 1;
      continue;
    }
    if (write.operation === 'update' && Object.keys(write.changed).length === 0) {
      out.noOp += 1;
      continue;
    }
    const person = write.key === undefined ? undefined : truth.get(write.key.toLowerCase());
    for (const [field, change] of Object.entries(write.changed)) {
      const name = toHubSpot(field);
      if (name === undefined || change.after === null) continue; // unmapped (sync id, status…) or cleared
      if (!person?.history[name]?.has(change.after)) {
        out.invented += 1;
        break;
      }
    }
  }
  out.total = out.noOp + out.invented + out.deletes;
  return out;
}
