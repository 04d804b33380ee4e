// Jobs keyed by id with a unique `reference`, kept in (updatedAt, id) order: the job system's state without HTTP.
import { type KeysetPosition, OrderedIndex, SimHttpError } from '../sim-kit/index.ts';

export const JOB_STATUSES = ['QUOTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  id: string;
  reference: string;
  title: string;
  customerEmail: string | null;
  status: JobStatus;
  value: number | null;
  siteAddress: string | null;
  /** `YYYY-MM-DD` or null. */
  scheduledDate: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The writable fields; on PATCH each is optional and a present `null` clears it. */
export type JobInput = Partial<Omit<Job, 'id' | 'createdAt' | 'updatedAt'>>;

export type Actor = 'api' | 'ui';

export interface JobChange {
  type: 'job.created' | 'job.updated' | 'job.deleted';
  job: Job;
  actor: Actor;
  /** When the change happened (ISO): updatedAt for creates and updates, the deletion time for deletes. */
  occurredAt: string;
}

const WRITABLE = [
  'reference',
  'title',
  'customerEmail',
  'status',
  'value',
  'siteAddress',
  'scheduledDate',
  'notes',
] as const;
const READ_ONLY = ['id', 'createdAt', 'updatedAt'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LIMITS: Record<string, number> = {
  reference: 64,
  title: 255,
  siteAddress: 500,
  notes: 5_000,
  customerEmail: 254,
};

type Detail = { field: string; message: string };

export function validationFailed(details: Detail[]): SimHttpError {
  return new SimHttpError(
    422,
    'VALIDATION_FAILED',
    `The job is invalid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
    details,
  );
}

/** Checks a JSON body field by field; `creating` requires reference and title. */
export function parseJobInput(body: unknown, creating: boolean): JobInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ field: '', message: 'expected a JSON object' }]);
  }
  const input = body as Record<string, unknown>;
  const details: Detail[] = [];
  for (const key of Object.keys(input)) {
    if (READ_ONLY.includes(key)) details.push({ field: key, message: 'is read-only' });
    else if (!(WRITABLE as readonly string[]).includes(key))
      details.push({ field: key, message: 'is not a job field' });
  }
  for (const field of ['reference', 'title'] as const) {
    const value = input[field];
    if (value === undefined ? creating : typeof value !== 'string' || value.trim() === '') {
      details.push({ field, message: 'is required and must be a non-empty string' });
    }
  }
  for (const field of ['customerEmail', 'siteAddress', 'notes'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      details.push({ field, message: 'must be a string or null' });
    }
  }
  for (const [field, max] of Object.entries(LIMITS)) {
    const value = input[field];
    if (typeof value === 'string' && value.length > max)
      details.push({ field, message: `is longer than ${max} characters` });
  }
  const email = input.customerEmail;
  if (typeof email === 'string' && !EMAIL.test(email))
    details.push({ field: 'customerEmail', message: 'is not an email address' });
  const status = input.status;
  if (
    status !== undefined &&
    !(typeof status === 'string' && (JOB_STATUSES as readonly string[]).includes(status))
  ) {
    details.push({ field: 'status', message: `must be one of ${JOB_STATUSES.join(', ')}` });
  }
  const value = input.value;
  if (
    value !== undefined &&
    value !== null &&
    !(typeof value === 'number' && Number.isFinite(value) && value >= 0)
  ) {
    details.push({ field: 'value', message: 'must be a number ≥ 0 or null' });
  }
  const date = input.scheduledDate;
  if (date !== undefined && date !== null && !(typeof date === 'string' && isCalendarDate(date))) {
    details.push({ field: 'scheduledDate', message: 'must be a real date as YYYY-MM-DD or null' });
  }
  if (details.length > 0) throw validationFailed(details);
  return input as JobInput;
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

interface Entry {
  id: string;
  updatedMs: number;
  job: Job;
}

export class JobStore {
  /** Called after every change (the simulator's state file listens); unset without a state file. */
  onChange: (() => void) | undefined;
  #now: () => number;
  #entries = new Map<string, Entry>();
  #byReference = new Map<string, string>();
  #next = 1;
  #index = new OrderedIndex<Entry>(() => this.#entries.values());

  constructor(now: () => number) {
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): Job | undefined {
    return this.#entries.get(id)?.job;
  }

  findByReference(reference: string): Job | undefined {
    const id = this.#byReference.get(reference);
    return id === undefined ? undefined : this.get(id);
  }

  all(): Job[] {
    return this.#index.sorted().map((entry) => entry.job);
  }

  page(options: { fromMs?: number; after?: KeysetPosition; limit: number }): {
    items: Job[];
    hasMore: boolean;
  } {
    const { items, hasMore } = this.#index.page(options);
    return { items: items.map((entry) => entry.job), hasMore };
  }

  /** Creates a job from already-validated input (see `parseJobInput`). */
  create(input: JobInput, actor: Actor, at: number = this.#now()): JobChange {
    const reference = input.reference ?? '';
    if (this.#byReference.has(reference)) throw duplicateReference(reference);
    const id = `job_${String(this.#next++).padStart(6, '0')}`;
    const iso = new Date(at).toISOString();
    const job: Job = {
      id,
      reference,
      title: input.title ?? '',
      customerEmail: input.customerEmail ?? null,
      status: input.status ?? 'QUOTED',
      value: input.value ?? null,
      siteAddress: input.siteAddress ?? null,
      scheduledDate: input.scheduledDate ?? null,
      notes: input.notes ?? null,
      createdAt: iso,
      updatedAt: iso,
    };
    this.#entries.set(id, { id, updatedMs: at, job });
    this.#byReference.set(reference, id);
    this.#index.invalidate();
    this.onChange?.();
    return { type: 'job.created', job, actor, occurredAt: iso };
  }

  update(id: string, input: JobInput, actor: Actor): JobChange {
    const entry = this.#entries.get(id);
    if (!entry) throw jobNotFound(id);
    const next: Job = { ...entry.job };
    for (const field of WRITABLE) {
      if (input[field] !== undefined) (next as unknown as Record<string, unknown>)[field] = input[field];
    }
    if (next.reference !== entry.job.reference) {
      if (this.#byReference.has(next.reference)) throw duplicateReference(next.reference);
      this.#byReference.delete(entry.job.reference);
      this.#byReference.set(next.reference, id);
    }
    const at = this.#now();
    next.updatedAt = new Date(at).toISOString();
    entry.job = next;
    entry.updatedMs = at;
    this.#index.invalidate();
    this.onChange?.();
    return { type: 'job.updated', job: next, actor, occurredAt: next.updatedAt };
  }

  delete(id: string, actor: Actor): JobChange {
    const entry = this.#entries.get(id);
    if (!entry) throw jobNotFound(id);
    this.#entries.delete(id);
    this.#byReference.delete(entry.job.reference);
    this.#index.invalidate();
    this.onChange?.();
    return { type: 'job.deleted', job: entry.job, actor, occurredAt: new Date(this.#now()).toISOString() };
  }

  /** Sets updatedAt on every job (or the listed ids) without webhooks; returns how many changed. */
  setUpdatedAt(ms: number, ids?: readonly string[]): number {
    const iso = new Date(ms).toISOString();
    const targets = ids === undefined ? [...this.#entries.values()] : ids.map((id) => this.#entries.get(id));
    let changed = 0;
    for (const entry of targets) {
      if (!entry) continue;
      entry.updatedMs = ms;
      const createdAt = Date.parse(entry.job.createdAt) > ms ? iso : entry.job.createdAt;
      entry.job = { ...entry.job, updatedAt: iso, createdAt };
      changed += 1;
    }
    this.#index.invalidate();
    if (changed > 0) this.onChange?.();
    return changed;
  }

  clear(): void {
    this.#entries.clear();
    this.#byReference.clear();
    this.#next = 1;
    this.#index.invalidate();
    this.onChange?.();
  }

  /** What a state file keeps: every job and the id sequence (jobs are replaced, never mutated, on change). */
  exportState(): { nextId: number; jobs: Job[] } {
    return { nextId: this.#next, jobs: [...this.#entries.values()].map((entry) => entry.job) };
  }

  /**
   * Replaces the contents with saved jobs (checked by the caller: unique ids and references). The sequence
   * continues after the highest saved id whatever `nextId` says, so a new job never reuses an old id.
   */
  importState(state: { nextId: number; jobs: readonly Job[] }): void {
    this.#entries.clear();
    this.#byReference.clear();
    let next = state.nextId;
    for (const job of state.jobs) {
      this.#entries.set(job.id, { id: job.id, updatedMs: Date.parse(job.updatedAt), job });
      this.#byReference.set(job.reference, job.id);
      const n = /^job_(\d+)$/.exec(job.id);
      if (n) next = Math.max(next, Number(n[1]) + 1);
    }
    this.#next = next;
    this.#index.invalidate();
  }
}

export function jobNotFound(id: string): SimHttpError {
  return new SimHttpError(404, 'NOT_FOUND', `Job ${id} does not exist.`);
}

function duplicateReference(reference: string): SimHttpError {
  return new SimHttpError(409, 'DUPLICATE_REFERENCE', `A job with reference ${reference} already exists.`, [
    { field: 'reference', message: 'must be unique' },
  ]);
}
