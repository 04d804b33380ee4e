// ServiceM8 job records without HTTP: create (server or caller UUID), update by field, archive, OData-style $filter.
import { randomUUID } from 'node:crypto';

export const JOB_STATUSES = ['Quote', 'Work Order', 'Unsuccessful', 'Completed'] as const;

/** Writable job fields (a subset of developer.servicem8.com/reference/updatejobs). */
export const WRITABLE_FIELDS = [
  'active',
  'date',
  'company_uuid',
  'created_by_staff_uuid',
  'job_address',
  'billing_address',
  'status',
  'purchase_order_number',
  'job_description',
  'work_done_description',
  'category_uuid',
] as const;
export type WritableField = (typeof WRITABLE_FIELDS)[number];

export interface Job {
  uuid: string;
  active: number;
  date: string;
  company_uuid: string;
  created_by_staff_uuid: string;
  job_address: string;
  billing_address: string;
  status: string;
  purchase_order_number: string;
  job_description: string;
  work_done_description: string;
  category_uuid: string;
  generated_job_id: string;
  /** `YYYY-MM-DD HH:MM:SS` (UTC here); every write sets it. */
  edit_date: string;
}

export interface JobChange {
  job: Job;
  changedFields: string[];
  actor: 'api' | 'ui';
  at: string;
}

/** An error answered as ServiceM8 does: `{ errorCode, message }` with the HTTP status. */
export class ServiceM8Error extends Error {
  override name = 'ServiceM8Error';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `2026-04-01 08:00:00` from epoch ms. */
export function servicem8Time(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Checks a create/update body: known writable fields with the right types; `status` from the allowed values. */
export function parseJobInput(body: unknown, creating: boolean): Partial<Job> & { uuid?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ServiceM8Error(400, 'Request body must be a JSON object.');
  }
  const input = body as Record<string, unknown>;
  const out: Partial<Job> & { uuid?: string } = {};
  if (input.status === undefined) {
    throw new ServiceM8Error(
      400,
      'status is required. Valid values are [Quote,Work Order,Unsuccessful,Completed].',
    );
  }
  for (const field of WRITABLE_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (field === 'active') {
      if (value !== 0 && value !== 1 && value !== '0' && value !== '1') {
        throw new ServiceM8Error(400, 'active must be 0 or 1.');
      }
      out.active = Number(value);
      continue;
    }
    if (typeof value !== 'string') throw new ServiceM8Error(400, `${field} must be a string.`);
    if (field === 'status' && !(JOB_STATUSES as readonly string[]).includes(value)) {
      throw new ServiceM8Error(
        400,
        `Invalid status "${value}". Valid values are [Quote,Work Order,Unsuccessful,Completed].`,
      );
    }
    if ((field === 'company_uuid' || field === 'category_uuid') && value !== '' && !UUID.test(value)) {
      throw new ServiceM8Error(400, `${field} must be a UUID.`);
    }
    if (field === 'status' && value.length > 20)
      throw new ServiceM8Error(400, 'status is longer than 20 characters.');
    out[field] = value;
  }
  if (creating && input.uuid !== undefined) {
    if (typeof input.uuid !== 'string' || !UUID.test(input.uuid))
      throw new ServiceM8Error(400, 'uuid must be a UUID.');
    out.uuid = input.uuid.toLowerCase();
  }
  return out;
}

export class JobStore {
  jobs = new Map<string, Job>();
  nextJobNumber = 1;
  onChange: () => void = () => {};
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  clear(): void {
    this.jobs.clear();
    this.nextJobNumber = 1;
    this.onChange();
  }

  get(uuid: string): Job {
    const job = this.jobs.get(uuid.toLowerCase());
    if (!job) throw new ServiceM8Error(404, 'Record not found.');
    return job;
  }

  create(input: Partial<Job> & { uuid?: string }, actor: 'api' | 'ui'): JobChange {
    const uuid = input.uuid ?? randomUUID();
    if (this.jobs.has(uuid)) throw new ServiceM8Error(400, `A record with uuid ${uuid} already exists.`);
    const at = this.#now();
    const job: Job = {
      uuid,
      active: 1,
      date: servicem8Time(at),
      company_uuid: '',
      created_by_staff_uuid: '',
      job_address: '',
      billing_address: '',
      status: 'Quote',
      purchase_order_number: '',
      job_description: '',
      work_done_description: '',
      category_uuid: '',
      ...stripUuid(input),
      generated_job_id: String(this.nextJobNumber++),
      edit_date: servicem8Time(at),
    };
    this.jobs.set(uuid, job);
    this.onChange();
    const changedFields = Object.keys(job).filter((k) => k !== 'uuid' && job[k as keyof Job] !== '');
    return { job: { ...job }, changedFields, actor, at: job.edit_date };
  }

  update(uuid: string, input: Partial<Job>, actor: 'api' | 'ui'): JobChange {
    const job = this.get(uuid);
    const changedFields: string[] = [];
    for (const [key, value] of Object.entries(stripUuid(input))) {
      const field = key as WritableField;
      if (job[field] !== value) {
        (job as unknown as Record<string, unknown>)[field] = value;
        changedFields.push(field);
      }
    }
    job.edit_date = servicem8Time(this.#now());
    this.onChange();
    return { job: { ...job }, changedFields, actor, at: job.edit_date };
  }

  /** DELETE archives the record: `active` becomes 0 and it stays readable (ServiceM8 soft-deletes). */
  archive(uuid: string, actor: 'api' | 'ui'): JobChange {
    return this.update(uuid, { active: 0 }, actor);
  }

  /** Jobs in (edit_date, uuid) order — the order of list pages. */
  ordered(): Job[] {
    return [...this.jobs.values()].sort((a, b) =>
      a.edit_date === b.edit_date ? a.uuid.localeCompare(b.uuid) : a.edit_date.localeCompare(b.edit_date),
    );
  }
}

function stripUuid(input: Partial<Job> & { uuid?: string }): Partial<Job> {
  const { uuid: _uuid, ...rest } = input;
  return rest;
}

export interface FilterCondition {
  field: string;
  op: 'eq' | 'ne' | 'gt' | 'lt';
  value: string | number;
}

/**
 * Parses `$filter`: up to 10 `{field} {eq|ne|gt|lt} {'text'|number}` conditions joined by `and`
 * (developer.servicem8.com/docs/filtering; `ge`/`le`/`or` are not supported there either).
 */
export function parseFilter(text: string): FilterCondition[] {
  const parts = text.split(/\s+and\s+/i);
  if (parts.length > 10) throw new ServiceM8Error(400, 'A $filter may combine at most 10 conditions.');
  return parts.map((part) => {
    const match = /^\s*([a-z_]+)\s+(eq|ne|gt|lt)\s+(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))\s*$/i.exec(part);
    if (!match) {
      throw new ServiceM8Error(
        400,
        `Invalid $filter condition "${part.trim()}": expected {field} eq|ne|gt|lt {'value'|number}.`,
      );
    }
    const [, field = '', op = '', quoted, number] = match;
    return {
      field,
      op: op.toLowerCase() as FilterCondition['op'],
      value: quoted !== undefined ? quoted.replaceAll("''", "'") : Number(number),
    };
  });
}

export function matchesFilter(job: Job, conditions: readonly FilterCondition[]): boolean {
  return conditions.every(({ field, op, value }) => {
    const raw = (job as unknown as Record<string, unknown>)[field];
    if (raw === undefined) throw new ServiceM8Error(400, `Unknown field "${field}" in $filter.`);
    const left = typeof value === 'number' ? Number(raw) : String(raw);
    if (op === 'eq') return left === value;
    if (op === 'ne') return left !== value;
    if (op === 'gt') return left > value;
    return left < value;
  });
}
