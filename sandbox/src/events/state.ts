// The events platform simulator's state file (option `stateFile`): attendees with their rolled-id history, the id
// sequence and webhook subscriptions.
import type { SubscriptionRegistry } from '../sim-kit/index.ts';
import { check, restoreSubscriptions, StateFile, StateShapeError } from '../sim-kit/state-file.ts';
import type { UndeliveredWebhook } from '../sim-kit/webhook-dispatcher.ts';
import {
  ATTENDEE_STATUSES,
  type Attendee,
  type AttendeeStatus,
  TICKET_TYPES,
  type TicketType,
} from './schema.ts';
import type { AttendeeStore, SavedAttendee } from './store.ts';

/**
 * Loads `file` into the store and subscriptions (throws `StateFileError` for an unreadable or corrupt one),
 * then saves them there after every change. The start options' subscriptions are merged in by URL
 * (see `restoreSubscriptions`).
 */
export function openEventsState(
  file: string,
  store: AttendeeStore,
  subscriptions: SubscriptionRegistry,
  initialSubscriptions: ReadonlyArray<{ url: string; secret: string }>,
  webhooks: {
    undelivered: () => UndeliveredWebhook[];
    /** Called with the saved undelivered webhooks once the subscriptions are back. */
    resume: (saved: UndeliveredWebhook[]) => void;
  },
): StateFile {
  const state = new StateFile({
    file,
    label: 'events platform simulator',
    format: 'kongo-events-simulator-state',
    version: 1,
    snapshot: () => ({
      ...store.exportState(),
      subscriptions: subscriptions.list(),
      startSubscriptionUrls: initialSubscriptions.map((s) => s.url),
      undeliveredWebhooks: webhooks.undelivered(),
    }),
  });
  const saved = state.read();
  let changed = saved === undefined;
  let undelivered: UndeliveredWebhook[] = [];
  if (saved) {
    state.restore(saved, (data) => {
      const nextId = check.integer(data.nextId, 'nextId', 1);
      const records = check.array(data.records, 'records').map((r, i) => parseRecord(r, `records[${i}]`));
      const ids = new Set<string>();
      const emails = new Set<string>();
      for (const { attendee, ids: history } of records) {
        for (const id of history) {
          if (ids.has(id)) throw new StateShapeError(`attendee id ${id} appears twice`);
          ids.add(id);
        }
        if (emails.has(attendee.email)) throw new StateShapeError(`email ${attendee.email} appears twice`);
        emails.add(attendee.email);
      }
      const savedSubscriptions = check.subscriptions(data.subscriptions, 'subscriptions');
      store.importState({ nextId, records });
      const startUrls = check
        .array(data.startSubscriptionUrls ?? [], 'startSubscriptionUrls')
        .map((url, i) => check.string(url, `startSubscriptionUrls[${i}]`));
      changed = restoreSubscriptions(subscriptions, savedSubscriptions, startUrls, initialSubscriptions);
      undelivered = check.undelivered(data.undeliveredWebhooks, 'undeliveredWebhooks');
    });
  }
  store.onChange = () => state.markDirty();
  if (changed) state.markDirty();
  // Webhooks a previous run acknowledged a write for but had not delivered go out again, as a real sender's would.
  webhooks.resume(undelivered);
  return state;
}

function parseRecord(value: unknown, where: string): SavedAttendee {
  const record = check.object(value, where);
  const attendee = parseAttendee(record.attendee, `${where}.attendee`);
  const ids = check.array(record.ids, `${where}.ids`).map((id, i) => check.string(id, `${where}.ids[${i}]`));
  if (ids.at(-1) !== attendee.id) {
    throw new StateShapeError(`${where}.ids does not end with the attendee's current id ${attendee.id}`);
  }
  return { attendee, updates: check.integer(record.updates, `${where}.updates`), ids };
}

function parseAttendee(value: unknown, where: string): Attendee {
  const a = check.object(value, where);
  const text = (name: string): string | null => check.stringOrNull(a[name], `${where}.${name}`);
  const status = text('status');
  if (status !== null && !(ATTENDEE_STATUSES as readonly string[]).includes(status)) {
    throw new StateShapeError(`${where}.status is not one of ${ATTENDEE_STATUSES.join(', ')}`);
  }
  const ticketType = text('ticketType');
  if (ticketType !== null && !(TICKET_TYPES as readonly string[]).includes(ticketType)) {
    throw new StateShapeError(`${where}.ticketType is not one of ${TICKET_TYPES.join(', ')}`);
  }
  check.isoTime(a.createdAt, `${where}.createdAt`);
  check.isoTime(a.updatedAt, `${where}.updatedAt`);
  return {
    id: check.string(a.id, `${where}.id`),
    email: check.string(a.email, `${where}.email`),
    firstName: text('firstName'),
    lastName: text('lastName'),
    company: text('company'),
    jobTitle: text('jobTitle'),
    phone: text('phone'),
    status: status as AttendeeStatus | null,
    ticketType: ticketType as TicketType | null,
    country: text('country'),
    createdAt: check.string(a.createdAt, `${where}.createdAt`),
    updatedAt: check.string(a.updatedAt, `${where}.updatedAt`),
  };
}
