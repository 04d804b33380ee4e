/**
 * The integration's spec as typed data, exactly as validated (defaults applied). The generator
 * replaces the `declaredSpec` object below with the client's spec; nothing else in this file changes.
 */
import { type IntegrationSpec, specForProcess } from '@kongo/runtime/spec';

/** The spec as written: the top-level values and every environment's overlay (the CDK app reads this). */
export const declaredSpec: IntegrationSpec = {
  specVersion: 1,
  client: { slug: 'template', name: 'Template client' },
  integration: { name: 'template-integration', region: 'ap-southeast-2' },
  environment: 'sandbox',
  publicBaseUrl: 'https://hooks.example.com',
  hubspot: {
    objectType: 'contacts',
    appId: 1,
    signature: 'v3',
    secretParameter: '/template/hubspot-client-secret',
    accessTokenParameter: '/template/hubspot-access-token',
    rateLimit: { per10Seconds: 100, daily: 250000, reservePercent: 20 },
    syncIdProperty: 'kongo_sync_id',
  },
  destination: {
    name: 'jobs',
    api: 'rest',
    baseUrl: 'https://jobs.example.com',
    auth: { type: 'bearer', tokenParameter: '/template/destination-api-token' },
    objectType: 'Job',
    idField: 'id',
    updatedAtField: 'updatedAt',
    naturalKey: { hubspotProperty: 'email', destinationField: 'customerEmail' },
    idempotency: 'idempotency-key-header',
    webhooks: {
      scheme: 'hmac-sha256-hex',
      header: 'X-Jobs-Signature',
      secretParameter: '/template/destination-secret',
    },
    rest: { collectionPath: '/jobs' },
  },
  policies: {
    deletes: 'flag',
    emptyValues: 'skip',
    conflicts: { windowSeconds: 5, winner: 'hubspot' },
    echoWindowSeconds: 86400,
    privacy: { destinationCopy: 'delete' },
  },
  monitoring: {
    heartbeatSeconds: 60,
    notificationCentre: { urlParameter: '/kongo/nc-url', keyParameter: '/template/nc-key' },
  },
  flows: [
    {
      direction: 'hubspot-to-destination',
      triggers: ['contact.creation', 'contact.propertyChange'],
      mappings: [
        { target: 'customerEmail', value: { lowercase: [{ field: 'email' }] }, note: 'The natural key.' },
        {
          target: 'title',
          value: { concat: [{ field: 'firstname' }, { literal: ' ' }, { field: 'lastname' }] },
        },
      ],
    },
    {
      direction: 'destination-to-hubspot',
      triggers: ['job.updated'],
      mappings: [{ target: 'email', value: { field: 'customerEmail' } }],
    },
  ],
};

/**
 * The spec this process runs. On AWS every function's stack sets KONGO_ENVIRONMENT, and only that
 * environment's overlay applies: a sandbox function runs with the sandbox URL, app and parameter
 * names (and its role may read only those parameters). Locally and in tests (no KONGO_ENVIRONMENT)
 * it is the spec as written.
 */
export const spec: IntegrationSpec = specForProcess(declaredSpec, environmentVariable('KONGO_ENVIRONMENT'));

/** Read through `globalThis`, so this module needs no Node.js types and loads anywhere. */
function environmentVariable(name: string): string | undefined {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];
}
