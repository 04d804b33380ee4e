// Zoom meetings and their registrants, without HTTP: registration, status changes, deletion, paging state.
import { randomBytes } from 'node:crypto';

export const REGISTRANT_STATUSES = ['approved', 'pending', 'denied'] as const;
export type RegistrantStatus = (typeof REGISTRANT_STATUSES)[number];
/** The `action` values of `PUT /meetings/{meetingId}/registrants/status`. */
export const STATUS_ACTIONS = ['approve', 'deny', 'cancel'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

export interface Meeting {
  id: number;
  uuid: string;
  host_id: string;
  topic: string;
  /** 2 = scheduled meeting. */
  type: number;
  start_time: string;
  duration: number;
  timezone: string;
  /** 0 = registrants approved automatically, 1 = the host approves them (they start `pending`). */
  approval_type: 0 | 1;
}

/** Optional registrant profile fields, as Zoom lists them (rivet `MeetingsGetMeetingRegistrantResponse`). */
export const PROFILE_FIELDS = [
  'last_name',
  'address',
  'city',
  'country',
  'zip',
  'state',
  'phone',
  'industry',
  'org',
  'job_title',
  'purchasing_time_frame',
  'role_in_purchase_process',
  'no_of_employees',
  'comments',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface Registrant {
  id: string;
  email: string;
  first_name: string;
  last_name?: string;
  address?: string;
  city?: string;
  country?: string;
  zip?: string;
  state?: string;
  phone?: string;
  industry?: string;
  org?: string;
  job_title?: string;
  purchasing_time_frame?: string;
  role_in_purchase_process?: string;
  no_of_employees?: string;
  comments?: string;
  custom_questions: Array<{ title: string; value: string }>;
  status: RegistrantStatus;
  create_time: string;
  join_url: string;
}

export type RegistrantEventType =
  | 'meeting.registration_created'
  | 'meeting.registration_approved'
  | 'meeting.registration_denied'
  | 'meeting.registration_cancelled';

export interface RegistrantChange {
  type: RegistrantEventType;
  meeting: Meeting;
  registrant: Registrant;
  actor: 'api' | 'ui';
  /** Epoch ms of the change. */
  at: number;
}

export const DEFAULT_MEETING: Meeting = {
  id: 85746065,
  uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
  host_id: 'KDcuGIm1QgePTO8WbOqwIQ',
  topic: 'Velflex customer briefing',
  type: 2,
  start_time: '2027-03-31T09:00:00Z',
  duration: 60,
  timezone: 'Australia/Sydney',
  approval_type: 0,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Zoom's validation error: 400 `{ code: 300, message: "Validation Failed.", errors: [{ field, message }] }`. */
export class ZoomApiError extends Error {
  override name = 'ZoomApiError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.errors.length > 0
      ? { code: this.code, message: this.message, errors: this.errors }
      : { code: this.code, message: this.message };
  }
}

export function meetingNotFound(id: string | number): ZoomApiError {
  return new ZoomApiError(404, 3001, `Meeting does not exist: ${id}.`);
}

export function registrantNotFound(id: string): ZoomApiError {
  return new ZoomApiError(404, 3043, `Registrant does not exist: ${id}.`);
}

/** What a caller may send to `POST /meetings/{meetingId}/registrants`. */
export type RegistrantInput = Pick<Registrant, 'email' | 'first_name'> &
  Partial<Pick<Registrant, ProfileField | 'custom_questions'>> & { auto_approve?: boolean };

/** Validates an add-registrant body field by field (unknown fields are ignored, as Zoom does). */
export function parseRegistrantInput(body: unknown): RegistrantInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ZoomApiError(400, 300, 'Request Body should be a valid JSON object.');
  }
  const input = body as Record<string, unknown>;
  const errors: Array<{ field: string; message: string }> = [];
  if (typeof input.email !== 'string' || !EMAIL.test(input.email)) {
    errors.push({ field: 'email', message: 'Invalid field.' });
  }
  if (
    typeof input.first_name !== 'string' ||
    input.first_name.trim() === '' ||
    input.first_name.length > 64
  ) {
    errors.push({ field: 'first_name', message: 'Invalid field.' });
  }
  for (const field of PROFILE_FIELDS) {
    if (input[field] !== undefined && typeof input[field] !== 'string') {
      errors.push({ field, message: 'Invalid field.' });
    }
  }
  const questions = input.custom_questions;
  if (
    questions !== undefined &&
    !(
      Array.isArray(questions) &&
      questions.every(
        (q) =>
          typeof q === 'object' &&
          q !== null &&
          typeof (q as Record<string, unknown>).title === 'string' &&
          typeof (q as Record<string, unknown>).value === 'string',
      )
    )
  ) {
    errors.push({ field: 'custom_questions', message: 'Invalid field.' });
  }
  if (errors.length > 0) throw new ZoomApiError(400, 300, 'Validation Failed.', errors);
  const out: RegistrantInput = { email: String(input.email), first_name: String(input.first_name) };
  for (const field of PROFILE_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') out[field] = value;
  }
  if (Array.isArray(questions)) out.custom_questions = questions as Array<{ title: string; value: string }>;
  if (typeof input.auto_approve === 'boolean') out.auto_approve = input.auto_approve;
  return out;
}

/** A registrant id like Zoom's: 22 characters of URL-safe base64. */
function newRegistrantId(): string {
  return randomBytes(16).toString('base64url');
}

export class ZoomStore {
  meetings = new Map<number, Meeting>();
  /** Registrants per meeting, in registration order (the list endpoint's order). */
  registrants = new Map<number, Registrant[]>();
  onChange: () => void = () => {};
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  clear(meetings: readonly Meeting[]): void {
    this.meetings.clear();
    this.registrants.clear();
    for (const meeting of meetings) this.addMeeting(meeting);
    this.onChange();
  }

  addMeeting(meeting: Meeting): void {
    this.meetings.set(meeting.id, { ...meeting });
    if (!this.registrants.has(meeting.id)) this.registrants.set(meeting.id, []);
  }

  meeting(id: string | number): Meeting {
    const found = this.meetings.get(Number(id));
    if (!found || !/^\d+$/.test(String(id))) throw meetingNotFound(id);
    return found;
  }

  list(meetingId: number): Registrant[] {
    return this.registrants.get(meetingId) ?? [];
  }

  get(meetingId: number, registrantId: string): Registrant {
    const found = this.list(meetingId).find((r) => r.id === registrantId);
    if (!found) throw registrantNotFound(registrantId);
    return found;
  }

  findByEmail(meetingId: number, email: string): Registrant | undefined {
    const wanted = email.toLowerCase();
    return this.list(meetingId).find((r) => r.email.toLowerCase() === wanted);
  }

  /**
   * Registers someone. An email already registered for the meeting answers with that registration and
   * changes nothing (our reading of Zoom's behaviour: one registration per email and meeting).
   */
  register(
    meetingId: number,
    input: RegistrantInput,
    actor: 'api' | 'ui',
  ): { registrant: Registrant; change?: RegistrantChange } {
    const meeting = this.meeting(meetingId);
    const existing = this.findByEmail(meetingId, input.email);
    if (existing) return { registrant: existing };
    const at = this.#now();
    const id = newRegistrantId();
    const approved = meeting.approval_type === 0 || input.auto_approve === true;
    const registrant: Registrant = {
      id,
      email: input.email,
      first_name: input.first_name,
      custom_questions: input.custom_questions ?? [],
      status: approved ? 'approved' : 'pending',
      create_time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      join_url: `https://zoom.us/w/${meeting.id}?tk=${id}`,
    };
    for (const field of PROFILE_FIELDS) {
      const value = input[field];
      if (value !== undefined) registrant[field] = value;
    }
    this.list(meetingId).push(registrant);
    this.registrants.set(meetingId, this.list(meetingId));
    this.onChange();
    return {
      registrant,
      change: { type: 'meeting.registration_created', meeting, registrant: { ...registrant }, actor, at },
    };
  }

  /** Applies approve / deny / cancel; a registrant already in the target status produces no change. */
  setStatus(
    meetingId: number,
    registrantId: string,
    action: StatusAction,
    actor: 'api' | 'ui',
  ): RegistrantChange[] {
    const meeting = this.meeting(meetingId);
    const registrant = this.get(meetingId, registrantId);
    // Zoom lists only approved, pending and denied registrants: a cancelled registration reads as denied.
    const target: RegistrantStatus = action === 'approve' ? 'approved' : 'denied';
    if (registrant.status === target) return [];
    registrant.status = target;
    this.onChange();
    const type: RegistrantEventType =
      action === 'approve'
        ? 'meeting.registration_approved'
        : action === 'deny'
          ? 'meeting.registration_denied'
          : 'meeting.registration_cancelled';
    return [{ type, meeting, registrant: { ...registrant }, actor, at: this.#now() }];
  }

  remove(meetingId: number, registrantId: string): void {
    this.get(meetingId, registrantId);
    this.registrants.set(
      meetingId,
      this.list(meetingId).filter((r) => r.id !== registrantId),
    );
    this.onChange();
  }
}
