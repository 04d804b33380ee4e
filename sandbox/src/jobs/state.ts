// The job system simulator's state file (option `stateFile`): jobs, the id sequence and webhook subscriptions.
import type { SubscriptionRegistry } from '../sim-kit/index.ts';
import { check, restoreSubscriptions, StateFile, StateShapeError } from '../sim-kit/state-file.ts';
import type { UndeliveredWebhook } from '../sim-kit/webhook-dispatcher.ts';
import { JOB_STATUSES, type Job, type JobStatus, type JobStore } from './store.ts';

/**
 * Loads `file` into the store and subscriptions (throws `StateFileError` for an unreadable or corrupt one),
 * then saves them there after every change. The start options' subscriptions are merged in by URL
 * (see `restoreSubscriptions`).
 */
export function openJobsState(
  file: string,
  store: JobStore,
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
    label: 'job system simulator',
    format: 'kongo-jobs-simulator-state',
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
      const jobs = check.array(data.jobs, 'jobs').map((job, i) => parseJob(job, `jobs[${i}]`));
      const ids = new Set<string>();
      const references = new Set<string>();
      for (const job of jobs) {
        if (ids.has(job.id)) throw new StateShapeError(`job id ${job.id} appears twice`);
        if (references.has(job.reference))
          throw new StateShapeError(`job reference ${job.reference} appears twice`);
        ids.add(job.id);
        references.add(job.reference);
      }
      const savedSubscriptions = check.subscriptions(data.subscriptions, 'subscriptions');
      store.importState({ nextId, jobs });
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

function parseJob(value: unknown, where: string): Job {
  const job = check.object(value, where);
  const status = check.string(job.status, `${where}.status`);
  if (!(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new StateShapeError(`${where}.status is not one of ${JOB_STATUSES.join(', ')}`);
  }
  check.isoTime(job.createdAt, `${where}.createdAt`);
  check.isoTime(job.updatedAt, `${where}.updatedAt`);
  return {
    id: check.string(job.id, `${where}.id`),
    reference: check.string(job.reference, `${where}.reference`),
    title: check.string(job.title, `${where}.title`),
    customerEmail: check.stringOrNull(job.customerEmail, `${where}.customerEmail`),
    status: status as JobStatus,
    value: job.value === null ? null : check.number(job.value, `${where}.value`),
    siteAddress: check.stringOrNull(job.siteAddress, `${where}.siteAddress`),
    scheduledDate: check.stringOrNull(job.scheduledDate, `${where}.scheduledDate`),
    notes: check.stringOrNull(job.notes, `${where}.notes`),
    createdAt: check.string(job.createdAt, `${where}.createdAt`),
    updatedAt: check.string(job.updatedAt, `${where}.updatedAt`),
  };
}
