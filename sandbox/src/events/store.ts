// Attendee records, their (updatedAt, id) order, and rolling IDs: the events platform's state without HTTP.
import { type KeysetPosition, OrderedIndex } from '../sim-kit/index.ts';
import {
  ATTENDEE_STATUSES,
  type Attendee,
  type AttendeeInput,
  INPUT_FIELDS,
  TICKET_TYPES,
} from './schema.ts';

/** Who made a change: an API client, or "a person in the UI" (the admin API). */
export type Actor = 'api' | 'ui';

export interface AttendeeChange {
  type: 'attendee.created' | 'attendee.updated' | 'attendee.deleted';
  attendee: Attendee;
  actor: Actor;
  /** When the change happened (ISO): updatedAt for creates and updates, the deletion time for deletes. */
  occurredAt: string;
  /** Set when this change rolled the record's id. */
  previousId?: string;
}

export interface RollingIdConfig {
  enabled: boolean;
  /** The record gets a new id on every Nth counted update (N ≥ 1). */
  everyNthUpdate: number;
  /** Whether edits in the UI (admin API) count as updates, as well as API updates. */
  countUiEdits: boolean;
  /** Also roll whenever `status` changes, whatever the count. */
  onStatusChange: boolean;
}

export const DEFAULT_ROLLING_IDS: RollingIdConfig = {
  enabled: false,
  everyNthUpdate: 3,
  countUiEdits: true,
  onStatusChange: false,
};

/** An expected failure of a store operation, with the GraphQL `extensions.code` it maps to. */
export class AttendeeError extends Error {
  override name = 'AttendeeError';
  constructor(
    readonly code: 'NOT_FOUND' | 'VALIDATION_FAILED' | 'ALREADY_EXISTS',
    message: string,
    readonly details: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

interface Entry {
  id: string;
  updatedMs: number;
  attendee: Attendee;
  /** Counted updates since creation (drives rolling). */
  updates: number;
  /** Every id this record has had, oldest first; the last is current. */
  ids: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 255;

/** A record as a state file keeps it: the attendee, its counted updates and every id it has had. */
export interface SavedAttendee {
  attendee: Attendee;
  updates: number;
  ids: string[];
}

export class AttendeeStore {
  rolling: RollingIdConfig = { ...DEFAULT_ROLLING_IDS };
  /** Called after every change (the simulator's state file listens); unset without a state file. */
  onChange: (() => void) | undefined;
  /** Called after every applied create, update (no-op ones included) and delete: the write log listens. */
  onWrite:
    | ((write: {
        operation: 'create' | 'update' | 'delete';
        actor: Actor;
        before: Attendee | undefined;
        after: Attendee | undefined;
        /** The input fields the write carried (changed or not); none for a delete. */
        carried: string[];
      }) => void)
    | undefined;
  #now: () => number;
  #entries = new Map<string, Entry>();
  #byEmail = new Map<string, string>();
  /** Retired id → current id, for the admin history view only; the API answers NOT_FOUND for them. */
  #retired = new Map<string, string>();
  #nextId = 100_001;
  #index = new OrderedIndex<Entry>(() => this.#entries.values());

  constructor(now: () => number) {
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): Attendee | undefined {
    return this.#entries.get(id)?.attendee;
  }

  findByEmail(email: string): Attendee | undefined {
    const id = this.#byEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }

  /** Every id the record now or once known as `id` has had, oldest first; undefined if never seen. */
  idHistory(id: string): { currentId: string; ids: string[] } | undefined {
    const current = this.#entries.has(id) ? id : this.#retired.get(id);
    const entry = current === undefined ? undefined : this.#entries.get(current);
    return entry ? { currentId: entry.id, ids: [...entry.ids] } : undefined;
  }

  /** Records whose id has rolled at least once. */
  rolledHistories(): Array<{ currentId: string; ids: string[] }> {
    return [...this.#entries.values()]
      .filter((entry) => entry.ids.length > 1)
      .map((entry) => ({ currentId: entry.id, ids: [...entry.ids] }));
  }

  all(): Attendee[] {
    return this.#index.sorted().map((entry) => entry.attendee);
  }

  page(options: { fromMs?: number; after?: KeysetPosition; limit: number }): {
    items: Attendee[];
    hasMore: boolean;
    total: number;
  } {
    const { items, hasMore, total } = this.#index.page(options);
    return { items: items.map((entry) => entry.attendee), hasMore, total };
  }

  create(input: AttendeeInput, actor: Actor, at: number = this.#now()): AttendeeChange {
    checkInput(input, true);
    const email = (input.email ?? '').toLowerCase();
    if (this.#byEmail.has(email)) {
      throw new AttendeeError('ALREADY_EXISTS', `An attendee with email ${email} already exists.`, [
        { field: 'email', message: 'already registered' },
      ]);
    }
    const id = this.#newId();
    const iso = new Date(at).toISOString();
    const attendee: Attendee = {
      id,
      email,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      company: input.company ?? null,
      jobTitle: input.jobTitle ?? null,
      phone: input.phone ?? null,
      status: input.status ?? 'REGISTERED',
      ticketType: input.ticketType ?? 'GENERAL',
      country: input.country ?? null,
      createdAt: iso,
      updatedAt: iso,
    };
    this.#entries.set(id, { id, updatedMs: at, attendee, updates: 0, ids: [id] });
    this.#byEmail.set(email, id);
    this.#index.invalidate();
    this.onChange?.();
    this.onWrite?.({
      operation: 'create',
      actor,
      before: undefined,
      after: attendee,
      carried: carriedFields(input),
    });
    return { type: 'attendee.created', attendee, actor, occurredAt: iso };
  }

  /** Applies the present fields of `input`; may roll the id (see `rolling`). */
  update(id: string, input: AttendeeInput, actor: Actor): AttendeeChange {
    const entry = this.#entries.get(id);
    if (!entry) throw notFound(id);
    checkInput(input, false);
    const before = entry.attendee;
    const next: Attendee = { ...before };
    for (const field of INPUT_FIELDS) {
      if (!(field in input)) continue;
      const value = input[field];
      if (value === undefined) continue;
      if (field === 'email') {
        const email = String(value).toLowerCase();
        const owner = this.#byEmail.get(email);
        if (owner !== undefined && owner !== id) {
          throw new AttendeeError('ALREADY_EXISTS', `An attendee with email ${email} already exists.`, [
            { field: 'email', message: 'already registered' },
          ]);
        }
        next.email = email;
      } else {
        (next as unknown as Record<string, unknown>)[field] = value;
      }
    }
    const at = this.#now();
    next.updatedAt = new Date(at).toISOString();
    if (next.email !== before.email) {
      this.#byEmail.delete(before.email);
      this.#byEmail.set(next.email, id);
    }
    entry.attendee = next;
    entry.updatedMs = at;
    const counted = actor === 'api' || this.rolling.countUiEdits;
    if (counted) entry.updates += 1;
    const change: AttendeeChange = {
      type: 'attendee.updated',
      attendee: next,
      actor,
      occurredAt: next.updatedAt,
    };
    if (this.#shouldRoll(entry, counted, before.status !== next.status)) {
      change.previousId = entry.id;
      this.#roll(entry);
      change.attendee = entry.attendee;
    }
    this.#index.invalidate();
    this.onChange?.();
    this.onWrite?.({
      operation: 'update',
      actor,
      before,
      after: change.attendee,
      carried: carriedFields(input),
    });
    return change;
  }

  delete(id: string, actor: Actor): AttendeeChange {
    const entry = this.#entries.get(id);
    if (!entry) throw notFound(id);
    this.#entries.delete(id);
    this.#byEmail.delete(entry.attendee.email);
    for (const old of entry.ids) this.#retired.delete(old);
    this.#index.invalidate();
    this.onChange?.();
    this.onWrite?.({ operation: 'delete', actor, before: entry.attendee, after: undefined, carried: [] });
    return {
      type: 'attendee.deleted',
      attendee: entry.attendee,
      actor,
      occurredAt: new Date(this.#now()).toISOString(),
    };
  }

  /**
   * Sets updatedAt (and createdAt when it would be later) without firing webhooks — for tests that need
   * thousands of records sharing one timestamp. `ids` absent = every record. Returns how many changed.
   */
  setUpdatedAt(ms: number, ids?: readonly string[]): number {
    const iso = new Date(ms).toISOString();
    const targets = ids === undefined ? [...this.#entries.values()] : ids.map((id) => this.#entries.get(id));
    let changed = 0;
    for (const entry of targets) {
      if (!entry) continue;
      entry.updatedMs = ms;
      const createdAt = Date.parse(entry.attendee.createdAt) > ms ? iso : entry.attendee.createdAt;
      entry.attendee = { ...entry.attendee, updatedAt: iso, createdAt };
      changed += 1;
    }
    this.#index.invalidate();
    if (changed > 0) this.onChange?.();
    return changed;
  }

  clear(): void {
    this.#entries.clear();
    this.#byEmail.clear();
    this.#retired.clear();
    this.#nextId = 100_001;
    this.#index.invalidate();
    this.onChange?.();
  }

  /** What a state file keeps: every record with its id history, and the id sequence. */
  exportState(): { nextId: number; records: SavedAttendee[] } {
    const records: SavedAttendee[] = [];
    for (const entry of this.#entries.values()) {
      records.push({ attendee: entry.attendee, updates: entry.updates, ids: entry.ids });
    }
    return { nextId: this.#nextId, records };
  }

  /**
   * Replaces the contents with saved records (checked by the caller: unique ids and emails, the current id last
   * in `ids`). Ids continue after the highest one ever used, so neither a new record nor a roll reuses one.
   */
  importState(state: { nextId: number; records: readonly SavedAttendee[] }): void {
    this.#entries.clear();
    this.#byEmail.clear();
    this.#retired.clear();
    let next = state.nextId;
    for (const saved of state.records) {
      const { attendee } = saved;
      const ids = [...saved.ids];
      this.#entries.set(attendee.id, {
        id: attendee.id,
        updatedMs: Date.parse(attendee.updatedAt),
        attendee,
        updates: saved.updates,
        ids,
      });
      this.#byEmail.set(attendee.email, attendee.id);
      for (const id of ids) {
        if (id !== attendee.id) this.#retired.set(id, attendee.id);
        if (/^\d+$/.test(id)) next = Math.max(next, Number(id) + 1);
      }
    }
    this.#nextId = next;
    this.#index.invalidate();
  }

  #shouldRoll(entry: Entry, counted: boolean, statusChanged: boolean): boolean {
    const rolling = this.rolling;
    if (!rolling.enabled) return false;
    if (rolling.onStatusChange && statusChanged) return true;
    return counted && entry.updates % Math.max(1, rolling.everyNthUpdate) === 0;
  }

  #roll(entry: Entry): void {
    const oldId = entry.id;
    const newId = this.#newId();
    this.#entries.delete(oldId);
    entry.id = newId;
    entry.ids.push(newId);
    entry.attendee = { ...entry.attendee, id: newId };
    this.#entries.set(newId, entry);
    this.#byEmail.set(entry.attendee.email, newId);
    for (const old of entry.ids.slice(0, -1)) this.#retired.set(old, newId);
  }

  #newId(): string {
    return String(this.#nextId++);
  }
}

function notFound(id: string): AttendeeError {
  return new AttendeeError('NOT_FOUND', `Attendee ${id} not found.`);
}

/** Field checks the GraphQL types cannot express (and all of them for admin JSON input). */
function checkInput(input: AttendeeInput, creating: boolean): void {
  const details: Array<{ field: string; message: string }> = [];
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(INPUT_FIELDS as readonly string[]).includes(key))
      details.push({ field: key, message: 'unknown field' });
  }
  for (const field of INPUT_FIELDS) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') details.push({ field, message: 'expected a string or null' });
    else if (value.length > MAX_TEXT) details.push({ field, message: `longer than ${MAX_TEXT} characters` });
  }
  if (creating && (typeof input.email !== 'string' || input.email === '')) {
    details.push({ field: 'email', message: 'required' });
  } else if (input.email === null) {
    details.push({ field: 'email', message: 'cannot be cleared' });
  } else if (typeof input.email === 'string' && !EMAIL.test(input.email)) {
    details.push({ field: 'email', message: 'not an email address' });
  }
  if (typeof input.status === 'string' && !(ATTENDEE_STATUSES as readonly string[]).includes(input.status)) {
    details.push({ field: 'status', message: `expected one of ${ATTENDEE_STATUSES.join(', ')}` });
  }
  if (
    typeof input.ticketType === 'string' &&
    !(TICKET_TYPES as readonly string[]).includes(input.ticketType)
  ) {
    details.push({ field: 'ticketType', message: `expected one of ${TICKET_TYPES.join(', ')}` });
  }
  if (details.length > 0) {
    throw new AttendeeError('VALIDATION_FAILED', `Invalid attendee input: ${describe(details)}`, details);
  }
}

function describe(details: Array<{ field: string; message: string }>): string {
  return details.map((d) => `${d.field} ${d.message}`).join('; ');
}

/** The input fields a write carried (present and not undefined), in INPUT_FIELDS order. */
function carriedFields(input: AttendeeInput): string[] {
  return INPUT_FIELDS.filter((f) => f in input && input[f as keyof AttendeeInput] !== undefined);
}
