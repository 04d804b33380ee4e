/** A complete two-way spec for infra's synth tests (the starters live in templates/starters/). */
import type { IntegrationSpec } from '@kongo/runtime/spec';

export function testSpec(overrides: Partial<IntegrationSpec> = {}): IntegrationSpec {
  return {
    specVersion: 1,
    client: { slug: 'velflex', name: 'Velflex' },
    integration: { name: 'velflex-attendees', region: 'ap-southeast-2' },
    environment: 'sandbox',
    publicBaseUrl: 'https://hooks.example.com',
    hubspot: {
      objectType: 'contacts',
      appId: 123456,
      signature: 'v3',
      secretParameter: '/velflex/hubspot-client-secret',
      accessTokenParameter: '/velflex/hubspot-access-token',
      rateLimit: { per10Seconds: 100, daily: 250000, reservePercent: 20 },
      syncIdProperty: 'kongo_sync_id',
    },
    destination: {
      name: 'events-platform',
      api: 'graphql',
      baseUrl: 'https://events.example.com/graphql',
      auth: { type: 'bearer', tokenParameter: '/velflex/events-api-token' },
      objectType: 'Attendee',
      idField: 'id',
      updatedAtField: 'updatedAt',
      naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
      idempotency: 'idempotency-key-header',
      webhooks: { scheme: 'standard-webhooks', secretParameter: '/velflex/destination-client-secret' },
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
      notificationCentre: { urlParameter: '/kongo/nc-url', keyParameter: '/velflex/nc-key' },
    },
    flows: [
      {
        direction: 'hubspot-to-destination',
        triggers: ['contact.creation', 'contact.propertyChange'],
        mappings: [{ target: 'email', value: { lowercase: [{ field: 'email' }] } }],
      },
      {
        direction: 'destination-to-hubspot',
        triggers: ['attendee.updated'],
        mappings: [{ target: 'email', value: { field: 'email' } }],
      },
    ],
    ...overrides,
  };
}
