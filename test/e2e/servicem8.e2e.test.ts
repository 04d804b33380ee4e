// HubSpot deals ↔ ServiceM8 jobs through the sandbox with the catalog entry and the starter spec: creates with a
// caller-chosen uuid, updates by POST, form-encoded notifications naming changed fields (challenge-verified, secret URL
// token), both directions, under the fault mix on both sides.
import { getConnector } from '@kongo/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceM8Simulator, startServiceM8Simulator } from '../../sandbox/src/servicem8/index.ts';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.ts';

const CALLBACK_TOKEN = 'servicem8-callback-token-e2e';

describe('HubSpot deals ↔ ServiceM8 jobs', () => {
  let sm8: ServiceM8Simulator;
  let h: ConnectorHarness;
  beforeAll(async () => {
    const connector = getConnector('servicem8-jobs');
    if (!connector) throw new Error('the catalog has no servicem8-jobs entry');
    sm8 = await startServiceM8Simulator({
      updateEncoding: 'form',
      webhookTiming: { timeCompression: 100_000 },
    });
    h = await startConnectorHarness({
      spec: new URL('../../templates/starters/deals-servicem8.integration-spec.json', import.meta.url),
      connector,
      webhookSecret: CALLBACK_TOKEN,
      // Edits of one field on both sides within a second count as a conflict (the starter's default is 5 s).
      patchSpec: (spec) => {
        spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      },
      hubspotProperties: [
        {
          name: 'job_reference',
          label: 'Job reference',
          type: 'string',
          fieldType: 'text',
          groupName: 'dealinformation',
          hasUniqueValue: true,
        },
      ],
      destination: {
        baseUrl: sm8.apiUrl,
        credentials: { apiKey: sm8.apiKey },
        idle: () => sm8.idle(),
        async subscribe(url) {
          const response = await fetch(`${sm8.url}/_admin/subscriptions`, {
            method: 'POST',
            body: JSON.stringify({
              url: `${url}?token=${CALLBACK_TOKEN}`,
              fields: 'status,job_description,purchase_order_number',
            }),
          });
          if (response.status !== 201)
            throw new Error(`ServiceM8 subscription failed: ${await response.text()}`);
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await sm8?.close();
  });

  it('answers ServiceM8’s subscribe challenge through the runtime (the subscription exists)', () => {
    expect(sm8.webhookSubscriptions()).toHaveLength(1);
  });

  it('creates a job from a deal and carries a person’s edit back', async () => {
    const deal = await h.hub.ui.create('deals', {
      dealname: 'Boiler service',
      job_reference: 'PO-1001',
      dealstage: 'appointmentscheduled',
    });
    const outcome = await h.settle();
    expect(outcome.records.map((r) => r.outcome)).toContain('delivered');
    const jobs = [...sm8.store.jobs.values()].filter((j) => j.purchase_order_number === 'PO-1001');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ job_description: 'Boiler service', status: 'Quote' });
    const uuid = jobs[0]?.uuid ?? '';
    // ServiceM8 keeps edit times to the second; a person's edit after the conflict window is the newest edit.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await fetch(`${sm8.url}/_admin/records/${uuid}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'Completed' }),
    });
    await h.settle();
    const after = h.hubspotRecords().find((r) => r.id === deal.id);
    expect(after?.properties.dealstage).toBe('closedwon');
    expect(sm8.store.jobs.size).toBe(1);
  }, 60_000);

  it('creates a HubSpot deal for a job a person adds in ServiceM8 (a form-encoded notification, then a read by id)', async () => {
    const job = (await (
      await fetch(`${sm8.url}/_admin/records`, {
        method: 'POST',
        body: JSON.stringify({
          status: 'Work Order',
          purchase_order_number: 'PO-3001',
          job_description: 'Roof',
        }),
      })
    ).json()) as { uuid: string };
    await h.settle();
    const deals = h.hubspotRecords().filter((r) => r.properties.job_reference === 'PO-3001');
    expect(deals).toHaveLength(1);
    expect(deals[0]?.properties.dealstage).toBe('closedwon');
    expect(
      [...sm8.store.jobs.values()].filter((j) => j.purchase_order_number === 'PO-3001').map((j) => j.uuid),
    ).toEqual([job.uuid]);
  }, 60_000);

  it('converges under the fault mix with one job per deal', async () => {
    sm8.faults.configure({
      seed: 11,
      rate429: 0.1,
      rate5xx: 0.1,
      faultAfterProcessingRate: 0.5,
      duplicateWebhookRate: 0.3,
      reorderWebhooks: true,
    });
    h.hub.setFaults({ seed: 12, rate429: 0.05, rate5xx: 0.05 });
    const deals = [];
    for (let i = 0; i < 6; i++) {
      deals.push(
        await h.hub.ui.create('deals', {
          dealname: `Job ${i}`,
          job_reference: `PO-2${i}`,
          dealstage: i % 2 === 0 ? 'closedwon' : 'closedlost',
        }),
      );
    }
    await h.settle(45_000);
    for (const [i, deal] of deals.entries()) {
      const jobs = [...sm8.store.jobs.values()].filter((j) => j.purchase_order_number === `PO-2${i}`);
      expect(jobs, `PO-2${i}`).toHaveLength(1);
      expect(jobs[0]?.status).toBe(i % 2 === 0 ? 'Work Order' : 'Unsuccessful');
      expect(h.hubspotRecords().find((r) => r.id === deal.id)?.properties.dealstage).toBe(
        i % 2 === 0 ? 'closedwon' : 'closedlost',
      );
    }
    sm8.faults.configure({});
    h.hub.setFaults({});
  }, 90_000);
});
