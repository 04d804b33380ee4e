/**
 * `kongo hubspot setup SPEC`: creates in the HubSpot account (or the simulator) what the
 * integration needs — the unique sync-id property, the webhook target URL, and one subscription per
 * trigger (one per mapped property for propertyChange, which HubSpot subscribes per property).
 * Idempotent: it reads what exists first and changes only what differs; `dryRun` only plans.
 */
import { sourceFields } from '@kongo/runtime/formulas';
import { type IntegrationSpec, webhookUrl } from '@kongo/runtime/spec';
import { GeneratorError } from './errors.ts';
import { compare } from './output.ts';

export interface DesiredSubscription {
  eventType: string;
  propertyName?: string;
}

export interface HubSpotSetupOptions {
  /** https://api.hubapi.com, or the simulator's URL. */
  baseUrl: string;
  /** Private-app / OAuth access token: CRM properties. */
  accessToken: string;
  /** Developer API key (`hapikey`): webhook settings and subscriptions of the app. */
  developerApiKey: string;
  /** Where HubSpot sends webhooks. @default the spec's publicBaseUrl + webhook path */
  targetUrl?: string;
  dryRun?: boolean;
  fetch?: typeof fetch;
}

export type StepStatus = 'create' | 'exists' | 'update' | 'reactivate' | 'conflict';

export interface SetupStep {
  what: string;
  status: StepStatus;
  detail?: string;
}

const GROUP: Record<IntegrationSpec['hubspot']['objectType'], string> = {
  contacts: 'contactinformation',
  companies: 'companyinformation',
  deals: 'dealinformation',
};

/**
 * The subscriptions the spec's hubspot-to-destination triggers and mappings call for, sorted; for
 * contacts always with `contact.privacyDeletion`.
 */
export function desiredSubscriptions(spec: IntegrationSpec): DesiredSubscription[] {
  const flow = spec.flows.find((candidate) => candidate.direction === 'hubspot-to-destination');
  if (!flow) return [];
  const properties = [...new Set([...sourceFields(flow), spec.destination.naturalKey.hubspotProperty])]
    .filter((name) => name !== 'hs_lastmodifieddate' && name !== 'lastmodifieddate')
    .sort(compare);
  const wanted: DesiredSubscription[] = [];
  // Privacy by default: a contacts integration always hears contact.privacyDeletion, so a person's
  // deletion in HubSpot purges Kongo's copy and applies policies.privacy.destinationCopy.
  const triggers = new Set(flow.triggers);
  if (spec.hubspot.objectType === 'contacts') triggers.add('contact.privacyDeletion');
  for (const trigger of [...triggers].sort(compare)) {
    if (trigger.endsWith('.propertyChange')) {
      for (const propertyName of properties) wanted.push({ eventType: trigger, propertyName });
    } else wanted.push({ eventType: trigger });
  }
  return wanted;
}

function describe(sub: DesiredSubscription): string {
  return sub.propertyName === undefined ? sub.eventType : `${sub.eventType} ${sub.propertyName}`;
}

class HubSpotHttp {
  constructor(
    readonly options: HubSpotSetupOptions,
    readonly fetchFn: typeof fetch,
  ) {}

  async call(
    method: string,
    path: string,
    auth: 'token' | 'hapikey',
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const url = new URL(path, this.options.baseUrl.replace(/\/?$/, '/'));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth === 'token') headers.authorization = `Bearer ${this.options.accessToken}`;
    else url.searchParams.set('hapikey', this.options.developerApiKey);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetchFn(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  async expect(method: string, path: string, auth: 'token' | 'hapikey', ok: number[], body?: unknown) {
    const reply = await this.call(method, path, auth, body);
    if (!ok.includes(reply.status)) {
      const message = (reply.json as { message?: unknown } | null)?.message;
      throw new GeneratorError(
        `HubSpot ${method} ${path.split('?')[0]} answered ${reply.status}${typeof message === 'string' ? `: ${message}` : ''}`,
      );
    }
    return reply;
  }
}

/** Plans (and unless dryRun, applies) the setup; returns one step per item, in a fixed order. */
export async function hubspotSetup(
  spec: IntegrationSpec,
  options: HubSpotSetupOptions,
): Promise<SetupStep[]> {
  const http = new HubSpotHttp(options, options.fetch ?? fetch);
  const apply = options.dryRun !== true;
  const steps: SetupStep[] = [];
  const { objectType, syncIdProperty, appId } = spec.hubspot;

  const property = await http.expect(
    'GET',
    `crm/v3/properties/${objectType}/${encodeURIComponent(syncIdProperty)}`,
    'token',
    [200, 404],
  );
  if (property.status === 404) {
    steps.push({ what: `property ${syncIdProperty} (unique)`, status: 'create' });
    if (apply) {
      await http.expect('POST', `crm/v3/properties/${objectType}`, 'token', [201, 200], {
        name: syncIdProperty,
        label: 'Kongo sync id',
        description: `Kongo's stable id for this record across systems (integration ${spec.integration.name}). Do not edit.`,
        type: 'string',
        fieldType: 'text',
        groupName: GROUP[objectType],
        hasUniqueValue: true,
        formField: false,
      });
    }
  } else if ((property.json as { hasUniqueValue?: unknown }).hasUniqueValue !== true) {
    steps.push({
      what: `property ${syncIdProperty} (unique)`,
      status: 'conflict',
      detail: 'exists without unique values; HubSpot cannot change that — pick another syncIdProperty',
    });
  } else steps.push({ what: `property ${syncIdProperty} (unique)`, status: 'exists' });

  const targetUrl = options.targetUrl ?? webhookUrl(spec, 'hubspot');
  const settings = await http.expect('GET', `webhooks/v3/${appId}/settings`, 'hapikey', [200, 404]);
  const currentTarget =
    settings.status === 200 ? (settings.json as { targetUrl?: unknown }).targetUrl : undefined;
  if (currentTarget === targetUrl) steps.push({ what: `webhook target ${targetUrl}`, status: 'exists' });
  else {
    steps.push({
      what: `webhook target ${targetUrl}`,
      status: currentTarget === undefined ? 'create' : 'update',
      ...(typeof currentTarget === 'string' ? { detail: `was ${currentTarget}` } : {}),
    });
    if (apply) {
      await http.expect('PUT', `webhooks/v3/${appId}/settings`, 'hapikey', [200], {
        targetUrl,
        throttling: { period: 'SECONDLY', maxConcurrentRequests: 10 },
      });
    }
  }

  const listed = await http.expect('GET', `webhooks/v3/${appId}/subscriptions`, 'hapikey', [200]);
  const existing = ((listed.json as { results?: unknown }).results ?? []) as {
    id: number | string;
    eventType: string;
    propertyName?: string;
    active: boolean;
  }[];
  for (const wanted of desiredSubscriptions(spec)) {
    const found = existing.find(
      (sub) => sub.eventType === wanted.eventType && (sub.propertyName ?? undefined) === wanted.propertyName,
    );
    const what = `subscription ${describe(wanted)}`;
    if (found?.active) steps.push({ what, status: 'exists' });
    else if (found) {
      steps.push({ what, status: 'reactivate' });
      if (apply) {
        await http.expect('PATCH', `webhooks/v3/${appId}/subscriptions/${found.id}`, 'hapikey', [200], {
          active: true,
        });
      }
    } else {
      steps.push({ what, status: 'create' });
      if (apply) {
        await http.expect('POST', `webhooks/v3/${appId}/subscriptions`, 'hapikey', [201, 200], {
          ...wanted,
          active: true,
        });
      }
    }
  }
  return steps;
}

export function formatSetupSteps(spec: IntegrationSpec, steps: SetupStep[], dryRun: boolean): string {
  const verb: Record<StepStatus, string> = dryRun
    ? {
        create: 'would create',
        exists: 'exists',
        update: 'would update',
        reactivate: 'would reactivate',
        conflict: 'CONFLICT',
      }
    : {
        create: 'created',
        exists: 'exists',
        update: 'updated',
        reactivate: 'reactivated',
        conflict: 'CONFLICT',
      };
  const lines = [
    `HubSpot setup for ${spec.integration.name} (app ${spec.hubspot.appId}, ${spec.hubspot.objectType})${dryRun ? ' — dry run, nothing changed' : ''}`,
    ...steps.map(
      (step) => `  ${verb[step.status].padEnd(16)} ${step.what}${step.detail ? ` (${step.detail})` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
