/**
 * Reconciliation with rolling IDs on (an attendee's id rolls on every 2nd update): the live sync
 * follows rolls it sees; rolls it can't see (the platform's webhooks off, edits made in its UI) are
 * repaired by `reconcile` — 0 duplicates, mappings follow, the report counts the drift — and
 * enumMap options typed slightly wrong in the spec are flagged with the closest live option.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localEnvironment } from '../../runtime/src/integration.ts';
import { createRateBudget } from '../../runtime/src/outbound/rate-limit.ts';
import { createHubSpotSearchApi } from '../../runtime/src/poll/hubspot-search-api.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { readLiveOptions } from '../../runtime/src/reconcile/live-options.ts';
import { reconcileHeartbeat } from '../../runtime/src/reconcile/notify.ts';
import { formatReconcileReport, reconcile } from '../../runtime/src/reconcile/run.ts';
import { runScheduledReconciliation } from '../../runtime/src/reconcile/scheduled.ts';
import { APP, EVENTS_TOKEN, type Harness, startHarness } from '../runtime/harness.ts';

let dynamo: LocalDynamo;
let h: Harness;
const PEOPLE = 12;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  h = await startHarness({
    dynamo,
    events: { rollingIds: { enabled: true, everyNthUpdate: 2, countUiEdits: true } },
    patchSpec: (spec) => {
      const flow = spec.flows.find((f) => f.direction === 'destination-to-hubspot');
      const mapping = flow?.mappings.find((m) => m.target === 'hs_lead_status');
      if (mapping && 'enumMap' in mapping.value) {
        // Typed by a person: a label instead of a value, wrong case in an output.
        mapping.value.enumMap.map = {
          REGISTERED: 'open',
          'Checked In': 'CONNECTED',
          WAITLISTED: 'NEW',
          CANCELLED: 'UNQUALIFIED',
        };
      }
    },
  });
}, 30_000);
afterAll(async () => {
  await h.close();
  await dynamo.close();
});

async function ui(path: string, method: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

function emailCounts(emails: string[]): number[] {
  const counts = new Map<string, number>();
  for (const e of emails) counts.set(e.toLowerCase(), (counts.get(e.toLowerCase()) ?? 0) + 1);
  return [...counts.values()];
}

describe('kongo reconcile with rolling ids', () => {
  it('follows rolled ids, creates no duplicate and reports N, M, K, D and U', async () => {
    // People created in HubSpot reach the platform through the live sync.
    for (let i = 0; i < PEOPLE; i++) {
      await ui(`${h.hub.url}/_admin/records/contacts`, 'POST', {
        properties: { email: `roller-${i}@example.com`, firstname: `Roller${i}`, lastname: 'Smith' },
      });
    }
    await h.settle();
    expect(h.events.store.all()).toHaveLength(PEOPLE);
    // Two live edits each: the worker's updates roll the ids and it follows them by natural key.
    for (let round = 0; round < 2; round++) {
      for (const c of h.hub.listRecords('contacts')) {
        await ui(`${h.hub.url}/_admin/records/contacts/${c.id}`, 'PATCH', {
          properties: { jobtitle: `Edit ${round}` },
        });
      }
      await h.settle();
    }
    const rolledLive = (h.events.store.rolledHistories() as unknown[]).length;
    expect(rolledLive).toBeGreaterThan(0);

    // The platform's webhooks go quiet; people edit in its UI twice (every id rolls), and one
    // attendee exists only there.
    h.events.webhookMode = 'none';
    for (const a of h.events.store.all().slice(0, 6)) {
      let id = String(a.id);
      for (let edit = 0; edit < 2; edit++) {
        const updated = await ui(`${h.events.url}/_admin/records/${id}`, 'PATCH', {
          company: `UI edit ${edit}`,
        });
        id = String(updated.id);
      }
    }
    await ui(`${h.events.url}/_admin/records`, 'POST', {
      email: 'only-here@example.com',
      firstName: 'Lonely',
    });

    // Stale mappings: the 6 rolled in the UI, and any roll the live sync's own update caused
    // (the worker follows those on its next write to that attendee).
    let stale = 0;
    for (const a of h.events.store.all()) {
      if (a.email === 'only-here@example.com') continue;
      if (!(await h.runtime.store.resolve(h.spec.integration.name, 'destination', String(a.id)))) stale++;
    }
    expect(stale).toBeGreaterThanOrEqual(6);

    const budget = createRateBudget({ limit: h.spec.hubspot.rateLimit });
    const api = createHubSpotSearchApi({
      objectType: 'contacts',
      accessToken: APP.accessToken,
      basePath: h.hub.url,
      budget,
    });
    const { createGraphQLDestination } = await import('../../runtime/src/outbound/graphql-client.ts');
    const destination = createGraphQLDestination({
      destination: { ...h.spec.destination, baseUrl: h.events.url },
      token: EVENTS_TOKEN,
      fields: ['firstName', 'lastName', 'company'],
    });
    const liveOptions = await readLiveOptions(h.spec, {
      hubspotBaseUrl: h.hub.url,
      hubspotToken: APP.accessToken,
      budget,
      destinationBaseUrl: h.events.url,
      destinationToken: EVENTS_TOKEN,
    });
    const report = await reconcile({
      spec: h.spec,
      store: h.runtime.store,
      search: api.search,
      destination,
      liveOptions,
    });
    const text = formatReconcileReport(report);
    expect(report.hubspot).toBe(PEOPLE);
    expect(report.destination).toBe(PEOPLE + 1);
    expect(report.drifted).toBe(stale);
    expect(report.mapped).toBe(PEOPLE);
    expect(report.unmatched).toBe(1);
    expect(report.unmatchedByReason).toEqual({ 'only-in-destination': 1 });
    expect(text).toContain(`D drifted and repaired: ${stale}`);

    // Mappings follow: every current attendee id resolves to the entity of its HubSpot contact.
    for (const a of h.events.store.all()) {
      if (a.email === 'only-here@example.com') continue;
      const entity = await h.runtime.store.resolve(h.spec.integration.name, 'destination', String(a.id));
      const contact = h.contactsWithEmail(String(a.email))[0];
      expect(entity?.ids.hubspot).toBe(contact?.id);
      if (entity && a.id !== undefined) expect(entity.drift.length).toBeGreaterThan(0);
    }
    // A second run finds nothing left to repair. Run as if 10 s later (past the 5 s conflict window): the 6
    // attendees edited in the platform's UI while its webhooks were off now differ from HubSpot in `company`,
    // judged through the mapping, and are reported (names of fields only) and sent to the centre as a check.
    const again = await reconcile({
      spec: h.spec,
      store: h.runtime.store,
      search: api.search,
      destination,
      clock: { now: () => Date.now() + 10_000 },
    });
    expect(again.drifted).toBe(0);
    expect(again.mapped).toBe(PEOPLE);
    const companyDiffers = again.divergedSample.filter((f) => f.fields.includes('company'));
    expect(companyDiffers).toHaveLength(6);
    expect(again.diverged).toBeGreaterThanOrEqual(6);
    expect(formatReconcileReport(again)).toContain(`F fields differ:         ${again.diverged}`);
    const beat = reconcileHeartbeat(h.spec, again, Date.now());
    expect(beat.checks).toContainEqual(
      expect.objectContaining({ name: 'reconcile.diverged', value: again.diverged, ok: false }),
    );
    expect(JSON.stringify(beat)).not.toContain('UI edit');

    // No duplicate on either side, and a later HubSpot edit reaches the rolled attendee.
    expect(
      emailCounts(h.hub.listRecords('contacts').map((c) => String(c.properties.email))).every((n) => n === 1),
    ).toBe(true);
    expect(emailCounts(h.events.store.all().map((a) => String(a.email))).every((n) => n === 1)).toBe(true);
    const contact = h.contactsWithEmail('roller-0@example.com')[0];
    await ui(`${h.hub.url}/_admin/records/contacts/${contact?.id}`, 'PATCH', {
      properties: { jobtitle: 'After reconcile' },
    });
    await h.settle();
    const attendees = h.attendeesWithEmail('roller-0@example.com');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.jobTitle).toBe('After reconcile');

    // The scheduled job (what an EventBridge-scheduled Lambda runs) sees the same, repaired state.
    const scheduled = await runScheduledReconciliation({
      spec: h.spec,
      environment: localEnvironment({
        dynamoEndpoint: h.dynamo.endpoint,
        dynamoClient: h.dynamo.client,
        tableName: h.tableName,
        secretsFile: h.secretsFile,
        hubspotBaseUrl: h.hub.url,
        destinationBaseUrl: h.events.url,
        logSink: () => {},
      }),
      notify: false,
    });
    expect(scheduled.report).toMatchObject({ hubspot: PEOPLE, mapped: PEOPLE, drifted: 0, unmatched: 1 });
    expect(scheduled.report.labelProblems.length).toBeGreaterThanOrEqual(2);

    // The spec's near-miss labels, each with the closest live option.
    const problems = report.labelProblems.map((p) => [p.written, p.kind, p.closest]);
    expect(problems).toContainEqual(['Checked In', 'spacing', 'CHECKED_IN']);
    expect(problems).toContainEqual(['open', 'case', 'OPEN']);
    await api.stop();
    await budget.stop();
  }, 60_000);
});
