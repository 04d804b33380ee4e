import { getConnector } from '@kongo/connectors';
import { checkSpecWithConnector } from '@kongo/runtime/connector';
import { type IntegrationSpec, validateSpec } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';
import { importConnectorFields } from '../src/model/importers/index.ts';
import { newIntegrationSpec } from '../src/model/new-integration.ts';
import { catalogEntries, connectorTemplate } from './catalog.ts';
import type { DestinationEndpoint } from './destinations.ts';
import type { LocalRuns } from './local-runs.ts';

const endpoints: DestinationEndpoint[] = [
  {
    name: 'events-platform',
    api: 'graphql',
    url: 'http://127.0.0.1:1',
    token: 't',
    objectType: 'Attendee',
    template: { destination: { name: 'events-platform' }, triggers: ['attendee.updated'] },
  },
  { name: 'job-system', api: 'rest', url: 'http://127.0.0.1:2', token: 't', objectType: 'jobs' },
];
const local = (connectors?: string[]) =>
  ({ ...(connectors ? { connectors: () => connectors } : {}) }) as unknown as LocalRuns;

function specOn(id: string): IntegrationSpec {
  const connector = getConnector(id);
  if (!connector) throw new Error(`no connector ${id}`);
  return newIntegrationSpec({
    name: 'acme-test',
    clientName: 'Acme',
    objectType: 'contacts',
    destination: { name: id, template: connectorTemplate(connector) },
  }) as unknown as IntegrationSpec;
}

describe('the destination catalog New integration offers', () => {
  it('offers every catalog connector, the two the studio server reads under their endpoint names', () => {
    const entries = catalogEntries(endpoints, local());
    expect(entries.map((e) => e.id).sort()).toEqual([
      'eventbrite-attendees',
      'jobber-clients',
      'kongo-events-graphql',
      'kongo-jobs-rest',
      'servicem8-jobs',
      'webex-events-attendees',
      'zoom-meeting-registrants',
    ]);
    const events = entries.find((e) => e.id === 'kongo-events-graphql');
    expect(events?.destination).toBe('events-platform');
    expect(events?.template.destination.name).toBe('events-platform'); // the starter's block
    expect(entries.find((e) => e.id === 'kongo-jobs-rest')?.destination).toBe('job-system');
  });

  it('marks runnable only what the sandbox can run: an endpoint with a template, or a simulated connector', () => {
    const runnable = (entries: ReturnType<typeof catalogEntries>) =>
      entries.filter((e) => e.runnable).map((e) => e.id);
    expect(runnable(catalogEntries(endpoints, local()))).toEqual(['kongo-events-graphql']);
    expect(runnable(catalogEntries(endpoints, local(['zoom-meeting-registrants']))).sort()).toEqual([
      'kongo-events-graphql',
      'zoom-meeting-registrants',
    ]);
    const outside = catalogEntries(endpoints, undefined);
    expect(runnable(outside)).toEqual([]);
    expect(outside.find((e) => e.id === 'servicem8-jobs')?.notRunnable).toBe(
      'Run locally needs the sandbox (npm start)',
    );
    expect(catalogEntries(endpoints, local()).find((e) => e.id === 'servicem8-jobs')?.notRunnable).toMatch(
      /^the sandbox runs no simulator of ServiceM8/,
    );
  });

  it('starts a spec the validator and the connector accept, from the connector document alone', () => {
    for (const id of ['servicem8-jobs', 'jobber-clients', 'webex-events-attendees', 'kongo-jobs-rest']) {
      const spec = specOn(id);
      // The natural key mapped each way, as a spec needs at least one mapping per flow.
      const key = spec.destination.naturalKey.destinationField;
      spec.flows[0]!.mappings = [{ target: key, value: { field: 'email' } }];
      spec.flows[1]!.mappings = [{ target: 'email', value: { field: key } }];
      const checked = validateSpec(spec);
      expect(checked.ok ? [] : checked.problems, id).toEqual([]);
      expect(checkSpecWithConnector(spec, getConnector(id)!), id).toEqual([]);
    }
    const servicem8 = specOn('servicem8-jobs').destination;
    expect(servicem8.credentials).toEqual({ apiKey: '/acme/servicem8-jobs-api-key' });
    expect(servicem8.naturalKey).toEqual({
      hubspotProperty: 'email',
      destinationField: 'purchase_order_number',
    });
    expect(servicem8.webhooks).toEqual({
      scheme: 'connector',
      secretParameter: '/acme/servicem8-jobs-webhook-secret',
    });
  });

  it('fills a required connection setting from its example and leaves one without an example for the connector check to name', () => {
    const spec = specOn('zoom-meeting-registrants');
    expect(spec.destination.connection).toEqual({ meetingId: 85746065 });
    expect(
      checkSpecWithConnector(spec, getConnector('zoom-meeting-registrants')!).map((p) => p.message),
    ).toEqual([
      expect.stringMatching(/^connector zoom-meeting-registrants needs connection setting "accountId"/),
    ]);
  });

  it('reads a record schema from the connector: nested and custom fields, read-only ones marked', () => {
    const zoom = catalogEntries(endpoints, local()).find((e) => e.id === 'zoom-meeting-registrants')!;
    const fields = importConnectorFields(zoom).fields;
    expect(fields.map((f) => f.name)).toContain('custom_questions[title=Region].value');
    const eventbrite = catalogEntries(endpoints, local()).find((e) => e.id === 'eventbrite-attendees')!;
    const email = importConnectorFields(eventbrite).fields.find((f) => f.name === 'profile.email');
    expect(email).toMatchObject({ label: 'Email', type: 'string', readOnly: true, required: true });
  });
});
