/**
 * Run locally's preflight: before a spec is loaded into the local gateway, check that every secret
 * and parameter it names exists (creating local ones), that its HubSpot app is its own, and that
 * HubSpot and the destination answer with those credentials; right after loading, that the webhook
 * subscriptions exist on both sides. Each check says what it found and, when it fails, the fix.
 */

import type { ConnectorDocument } from '@kongo/runtime/connector';
import { DeliveryError, destinationClientFor } from '@kongo/runtime/outbound';
import { LocalFileSecretSource } from '@kongo/runtime/secrets';
import type { IntegrationSpec } from '@kongo/runtime/spec';
import type { PreflightCheck } from '@kongo/studio';

export type { PreflightCheck };

/** What a check needs to know of the running sandbox. */
export interface PreflightContext {
  secretsFile: string;
  /** Current local secrets (read from the secrets file). */
  secrets: Record<string, string>;
  hubspotUrl: string;
  /** Base URL and accepted token of the local destination simulator serving the spec's API. */
  destination: { name: string; url: string; token: string } | undefined;
  /** The other loaded integrations' HubSpot apps: app id → integration name. */
  otherApps: Map<number, string>;
  realHubSpot: boolean;
}

async function answer(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, init);
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: (error as Error).message };
  }
}

/** The error code an API answered with (`INVALID_TOKEN`, `UNAUTHORIZED`, …), or the first words of its body. */
function errorCode(text: string): string {
  try {
    const body = JSON.parse(text) as {
      errors?: Array<{ extensions?: { code?: string }; message?: string }>;
      error?: { code?: string; message?: string } | string;
      category?: string;
      message?: string;
    };
    const first = body.errors?.[0];
    if (first?.extensions?.code) return first.extensions.code;
    if (typeof body.error === 'object' && body.error?.code) return body.error.code;
    if (body.category) return body.category;
    return (first?.message ?? body.message ?? text).slice(0, 120);
  } catch {
    return text.slice(0, 120);
  }
}

/** The destination answers a harmless read with the spec's token: proof the token and the record type are right. */
export async function checkDestination(
  spec: IntegrationSpec,
  context: PreflightContext,
): Promise<PreflightCheck> {
  const id = 'destination';
  const parameter = spec.destination.auth.tokenParameter;
  const title = `${spec.destination.name} answers with ${parameter}`;
  const target = context.destination;
  if (!target)
    return {
      id,
      title,
      ok: false,
      detail: `the sandbox has no local ${spec.destination.api} destination to run ${spec.destination.name} against`,
      fix: 'Pick one of the sandbox destinations (events-platform, job-system) in New integration.',
    };
  const token = context.secrets[parameter] ?? '';
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const base = target.url.replace(/\/+$/, '');
  const reply =
    spec.destination.api === 'graphql'
      ? await answer(`${base}/graphql`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            query: 'query Preflight($name: String!) { __type(name: $name) { name } }',
            variables: { name: spec.destination.objectType },
          }),
        })
      : await answer(`${base}${spec.destination.rest?.collectionPath ?? '/jobs'}?limit=1`, { headers });
  const where = `${parameter} in ${context.secretsFile}`;
  if (reply.status === 0)
    return {
      id,
      title,
      ok: false,
      detail: `${target.name} is not reachable at ${target.url}: ${reply.text}`,
      fix: 'Restart `npm start`; the destination simulator is not running.',
    };
  if (
    reply.status === 401 ||
    reply.status === 403 ||
    /INVALID_TOKEN|TOKEN_IS_EXPIRED|UNAUTHORIZED/.test(reply.text)
  )
    return {
      id,
      title,
      ok: false,
      detail: `${target.name} rejected the token in ${where}: ${reply.status} ${errorCode(reply.text)}`,
      fix: `Delete ${parameter} from ${context.secretsFile} and Run locally again (the sandbox then creates it with the ${target.name} simulator's token), or set it to that token.`,
    };
  if (reply.status >= 400)
    return {
      id,
      title,
      ok: false,
      detail: `${target.name} answered ${reply.status} ${errorCode(reply.text)}`,
      fix: `Check destination.baseUrl and destination.objectType (${spec.destination.objectType}) in the spec.`,
    };
  if (spec.destination.api === 'graphql') {
    const body = JSON.parse(reply.text) as { data?: { __type?: { name?: string } | null } };
    if (!body.data?.__type)
      return {
        id,
        title,
        ok: false,
        detail: `${target.name} has no record type ${spec.destination.objectType}`,
        fix: 'Set destination.objectType to the GraphQL type of the records (Attendee for the events platform).',
      };
  }
  return { id, title, ok: true, detail: `${target.name} answered ${reply.status} at ${target.url}` };
}

/**
 * A spec on a catalog connector: its destination answers the first page of the list through the
 * connector client, with the spec's credentials (an OAuth token fetched, a rotated refresh token
 * written back to the secrets file, as the runtime would).
 */
export async function checkConnectorDestination(
  spec: IntegrationSpec,
  connector: ConnectorDocument,
  target: { label: string; baseUrl: string },
  secretsFile: string,
): Promise<PreflightCheck> {
  const id = 'destination';
  const parameters = Object.values(spec.destination.credentials ?? {});
  const title = `${spec.destination.name} answers with ${parameters.join(', ') || 'no credentials'}`;
  const client = destinationClientFor({
    spec,
    connector,
    secrets: new LocalFileSecretSource({ path: secretsFile }),
    baseUrl: target.baseUrl,
    fields: [],
  });
  try {
    if (connector.operations.list) await client.listChanged({ limit: 1 });
    return { id, title, ok: true, detail: `the ${target.label} answered at ${target.baseUrl}` };
  } catch (error) {
    const status = error instanceof DeliveryError ? error.status : undefined;
    const auth = status === 401 || status === 403 || /TOKEN|grant|client/i.test((error as Error).message);
    return {
      id,
      title,
      ok: false,
      detail: `the ${target.label} refused: ${(error as Error).message}`,
      fix: auth
        ? `Delete ${parameters.join(', ')} from ${secretsFile} and Run locally again (the sandbox then sets the ${target.label}'s credentials).`
        : `Check destination.connection (${Object.keys(spec.destination.connection ?? {}).join(', ') || 'none'}) against the ${target.label}.`,
    };
  }
}

/** HubSpot answers a properties read with the spec's access token. */
export async function checkHubSpot(
  spec: IntegrationSpec,
  context: PreflightContext,
): Promise<PreflightCheck> {
  const parameter = spec.hubspot.accessTokenParameter;
  const title = `HubSpot answers with ${parameter}`;
  const reply = await answer(
    `${context.hubspotUrl.replace(/\/+$/, '')}/crm/v3/properties/${spec.hubspot.objectType}`,
    { headers: { authorization: `Bearer ${context.secrets[parameter] ?? ''}` } },
  );
  if (reply.status === 200)
    return { id: 'hubspot', title, ok: true, detail: `${spec.hubspot.objectType} properties readable` };
  return {
    id: 'hubspot',
    title,
    ok: false,
    detail:
      reply.status === 0
        ? `HubSpot is not reachable at ${context.hubspotUrl}: ${reply.text}`
        : `HubSpot answered ${reply.status} ${errorCode(reply.text)} for ${spec.hubspot.objectType} properties`,
    fix: context.realHubSpot
      ? 'Check the private-app token (KONGO_HUBSPOT_TOKEN) and its crm.objects and crm.schemas scopes.'
      : `Check hubspot.objectType (${spec.hubspot.objectType}); the simulator knows contacts, companies and deals.`,
  };
}

/** The spec's HubSpot app is not another loaded integration's: two integrations on one app process every change twice. */
export function checkOwnApp(spec: IntegrationSpec, context: PreflightContext): PreflightCheck {
  const owner = context.otherApps.get(spec.hubspot.appId);
  const title = `HubSpot app ${spec.hubspot.appId} is this integration's own`;
  if (owner === undefined)
    return { id: 'hubspot-app', title, ok: true, detail: 'no other integration uses it' };
  let free = spec.hubspot.appId + 1;
  while (context.otherApps.has(free)) free++;
  return {
    id: 'hubspot-app',
    title,
    ok: false,
    detail: `${owner} already runs on app ${spec.hubspot.appId}; its webhooks would reach both integrations`,
    fix: `Give this integration its own app: set hubspot.appId to ${free} (or replace ${owner} by giving this spec its name).`,
  };
}

/** The secrets check: each named parameter exists, or was just created locally (and says so). */
export function secretChecks(
  wanted: string[],
  created: Map<string, string>,
  secretsFile: string,
): PreflightCheck[] {
  return [...new Set(wanted)].map((name) => ({
    id: `secret:${name}`,
    title: `secret ${name}`,
    ok: true,
    detail: created.has(name)
      ? `created in ${secretsFile} (${created.get(name)})`
      : `present in ${secretsFile}`,
  }));
}
