/**
 * Reads the live options the enum-label check compares against: HubSpot property definitions
 * (`GET /crm/v3/properties/{type}/{name}`, inside the rate budget) and the destination's: a spec with
 * a connector takes them from the connector document's enum `options` (the connector is the
 * description of the API Kongo runs on); a legacy GraphQL destination is asked by introspection; a
 * legacy REST destination publishes no schema, so its fields are skipped.
 */
import type { ConnectorDocument } from '../connector/types.ts';
import { type FetchLike, failureFrom, httpCall } from '../outbound/http-call.ts';
import { GRAPHQL_EVENTS_PROFILE, HUBSPOT_PROFILE } from '../outbound/profiles.ts';
import type { RateBudget } from '../outbound/rate-limit.ts';
import { withRetry } from '../outbound/retry.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { enumFieldsOf, type LiveOption, type LiveOptions } from './labels.ts';

export interface LiveOptionSources {
  hubspotBaseUrl: string;
  hubspotToken: string;
  budget: RateBudget;
  destinationBaseUrl: string;
  /** The legacy GraphQL destination's bearer token (introspection); unused with a connector. */
  destinationToken?: string;
  /** The spec's connector: the destination's enum options come from its fields. */
  connector?: ConnectorDocument;
  fetch?: FetchLike;
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}

function named(type: TypeRef | null | undefined): TypeRef | undefined {
  let t = type ?? undefined;
  while (t && (t.kind === 'NON_NULL' || t.kind === 'LIST')) t = t.ofType ?? undefined;
  return t;
}

/** Options of the spec's enum fields on both sides, as the live systems have them now. */
export async function readLiveOptions(
  spec: IntegrationSpec,
  sources: LiveOptionSources,
): Promise<LiveOptions> {
  const fetchImpl: FetchLike = sources.fetch ?? ((input, init) => fetch(input, init));
  const wanted = enumFieldsOf(spec);
  const live: LiveOptions = { hubspot: {}, destination: {} };
  for (const property of wanted.hubspot) {
    const url = `${sources.hubspotBaseUrl.replace(/\/+$/, '')}/crm/v3/properties/${spec.hubspot.objectType}/${encodeURIComponent(property)}`;
    const result = await withRetry(
      () =>
        sources.budget.schedule(() =>
          httpCall('hubspot', HUBSPOT_PROFILE, fetchImpl, url, {
            method: 'GET',
            headers: { authorization: `Bearer ${sources.hubspotToken}` },
          }),
        ),
      { profile: HUBSPOT_PROFILE },
    );
    if (result.status === 404) continue;
    if (result.status !== 200) throw failureFrom('hubspot', HUBSPOT_PROFILE, 'GET', url, result);
    const body = JSON.parse(result.text) as {
      options?: Array<{ value: string; label?: string; hidden?: boolean }>;
    };
    live.hubspot[property] = (body.options ?? []).map((o) => ({
      value: o.value,
      ...(o.label ? { label: o.label } : {}),
    }));
  }
  if (spec.destination.connector !== undefined) {
    if (!sources.connector)
      throw new Error(
        `the spec names connector "${spec.destination.connector}" but no connector document was given`,
      );
    for (const field of sources.connector.record.fields)
      if (wanted.destination.includes(field.path) && field.options)
        live.destination[field.path] = field.options.map((value): LiveOption => ({ value }));
    return live;
  }
  if (spec.destination.api === 'graphql' && wanted.destination.length > 0) {
    if (sources.destinationToken === undefined)
      throw new Error('reading GraphQL enum options needs the destination token');
    const url = `${sources.destinationBaseUrl.replace(/\/+$/, '')}/graphql`;
    const query = async (text: string, variables: Record<string, unknown>) => {
      const result = await withRetry(
        () =>
          httpCall('destination', GRAPHQL_EVENTS_PROFILE, fetchImpl, url, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${sources.destinationToken ?? ''}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ query: text, variables }),
          }),
        { profile: GRAPHQL_EVENTS_PROFILE },
      );
      if (result.status !== 200)
        throw failureFrom('destination', GRAPHQL_EVENTS_PROFILE, 'POST', url, result);
      return JSON.parse(result.text) as {
        data?: {
          __type?: {
            fields?: Array<{ name: string; type: TypeRef }>;
            enumValues?: Array<{ name: string }>;
          } | null;
        };
      };
    };
    const typeRef = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
    const object = await query(
      `query T($n: String!) { __type(name: $n) { fields { name type { ${typeRef} } } } }`,
      {
        n: spec.destination.objectType,
      },
    );
    for (const f of object.data?.__type?.fields ?? []) {
      if (!wanted.destination.includes(f.name)) continue;
      const type = named(f.type);
      if (type?.kind !== 'ENUM' || !type.name) continue;
      const values = await query('query E($n: String!) { __type(name: $n) { enumValues { name } } }', {
        n: type.name,
      });
      live.destination[f.name] = (values.data?.__type?.enumValues ?? []).map(
        (v): LiveOption => ({ value: v.name }),
      );
    }
  }
  return live;
}
