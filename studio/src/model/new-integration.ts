/**
 * A new integration's spec from four answers — name, client, HubSpot object, destination — the way
 * HubSpot's Data Sync starts one: everything else (parameter names, the HubSpot app, triggers) follows
 * from them, so the consultant never edits JSON to begin. The destination block comes from the
 * destination's template (the studio server's catalog).
 */
import type { StudioSpec } from './types.ts';

type DestinationSide = StudioSpec['destination'];

export type HubSpotObject = 'contacts' | 'companies' | 'deals';

/** HubSpot's webhook event prefix per object (contact.creation, company.propertyChange, deal.deletion). */
const EVENT_PREFIX: Record<HubSpotObject, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

/** What natural key a HubSpot object offers when the destination's template names another object's. */
const DEFAULT_KEY: Record<HubSpotObject, string> = {
  contacts: 'email',
  companies: 'domain',
  deals: 'job_reference',
};

export interface DestinationTemplate {
  destination: Record<string, unknown>;
  triggers: string[];
  /** The HubSpot object the template's natural key belongs to (its hubspotProperty is that object's). */
  hubspotObject?: string;
}

export interface NewIntegrationInput {
  /** e.g. "acme-attendees": lower-case letters, digits and dashes. */
  name: string;
  /** e.g. "Acme Events" */
  clientName: string;
  objectType: HubSpotObject;
  destination: { name: string; template: DestinationTemplate };
}

/** "Acme Events Ltd." → "acme-events-ltd" */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Why a name can't be an integration's name (it becomes a URL path segment and a stack name), or null. */
export function integrationNameProblem(name: string): string | null {
  if (name === '') return 'Give the integration a name';
  if (!/^[a-z][a-z0-9-]{1,62}[a-z0-9]$/.test(name))
    return 'Use 3–64 lower-case letters, digits and dashes, starting with a letter (e.g. acme-attendees)';
  return null;
}

/**
 * A HubSpot app id of its own for each integration (one app per integration: two integrations on one
 * app would both get every webhook). Stable for a name, so re-creating the same integration reuses it;
 * 7 digits like HubSpot's public app ids. The real app's id replaces it before deploying.
 */
export function localAppId(clientSlug: string, name: string): number {
  let hash = 2166136261;
  for (const char of `${clientSlug}/${name}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return 2_000_000 + (hash % 7_000_000);
}

export function newIntegrationSpec(input: NewIntegrationInput): StudioSpec {
  const slug = slugify(input.clientName) || 'client';
  const prefix = EVENT_PREFIX[input.objectType];
  const destination = JSON.parse(
    JSON.stringify(input.destination.template.destination).replaceAll('{slug}', slug),
  ) as DestinationSide;
  const { naturalKey } = destination;
  if (naturalKey && input.destination.template.hubspotObject !== input.objectType)
    naturalKey.hubspotProperty = DEFAULT_KEY[input.objectType];
  return {
    specVersion: 1,
    client: { slug, name: input.clientName.trim() },
    integration: { name: input.name, region: 'ap-southeast-2' },
    environment: 'sandbox',
    publicBaseUrl: `https://hooks.${slug}.example.com`,
    hubspot: {
      objectType: input.objectType,
      appId: localAppId(slug, input.name),
      signature: 'v3',
      secretParameter: `/${slug}/hubspot-client-secret`,
      accessTokenParameter: `/${slug}/hubspot-access-token`,
      rateLimit: { per10Seconds: 100, daily: 250000, reservePercent: 20 },
      syncIdProperty: 'kongo_sync_id',
    },
    destination,
    policies: {
      deletes: 'flag',
      emptyValues: 'skip',
      conflicts: { windowSeconds: 5, winner: 'hubspot' },
      echoWindowSeconds: 86400,
      privacy: { destinationCopy: 'delete' },
    },
    monitoring: {
      heartbeatSeconds: 60,
      notificationCentre: { urlParameter: '/kongo/nc-url', keyParameter: `/${slug}/nc-key` },
    },
    flows: [
      {
        direction: 'hubspot-to-destination',
        // A contact's privacy deletion purges Kongo's copy too (privacy by default, docs/OPERATIONS.md).
        triggers: [
          `${prefix}.creation`,
          `${prefix}.propertyChange`,
          `${prefix}.deletion`,
          ...(prefix === 'contact' ? ['contact.privacyDeletion'] : []),
        ],
        mappings: [],
      },
      {
        direction: 'destination-to-hubspot',
        triggers: [...input.destination.template.triggers],
        mappings: [],
      },
    ],
  } as StudioSpec;
}
