/**
 * The destination client of one integration: its connector (named in the spec, or the legacy entry
 * a spec without one means), the connection settings, the credentials read from — and a rotated
 * refresh token written back to — the SecretSource, and a refresh lock shared by every process
 * through the mapping table (a conditional write on a cursor item).
 */

import { connectorForLegacySpec } from '../connector/legacy.ts';
import { checkSpecWithConnector } from '../connector/spec-check.ts';
import type { ConnectorDocument } from '../connector/types.ts';
import type { MappingStore } from '../mapping-store/types.ts';
import { type SecretSource, SecretsError } from '../secrets/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import type { CredentialLock, CredentialStore } from './connector-auth.ts';
import { createConnectorClient } from './connector-client.ts';
import type { DestinationClient } from './destination.ts';
import type { FetchLike } from './http-call.ts';
import type { RetryOptions } from './retry.ts';

/** The connector a spec uses; a spec naming one must be given its document. */
export function connectorFor(spec: IntegrationSpec, connector?: ConnectorDocument): ConnectorDocument {
  if (spec.destination.connector === undefined) return connector ?? connectorForLegacySpec(spec.destination);
  if (!connector)
    throw new Error(
      `the spec names connector "${spec.destination.connector}" but no connector document was given (generated code embeds it; locally the catalog in connectors/ supplies it)`,
    );
  if (connector.id !== spec.destination.connector)
    throw new Error(
      `the spec names connector "${spec.destination.connector}" but was given "${connector.id}"`,
    );
  const problems = checkSpecWithConnector(spec, connector);
  if (problems.length > 0)
    throw new Error(
      `the spec does not fit connector ${connector.id}: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`,
    );
  return connector;
}

/** Credential name → SSM parameter: the spec's `destination.credentials`, or the legacy bearer token. */
export function credentialParameters(spec: IntegrationSpec): Record<string, string> {
  if (spec.destination.connector === undefined) return { token: spec.destination.auth.tokenParameter };
  return { ...(spec.destination.credentials ?? {}) };
}

export function secretCredentials(
  secrets: SecretSource,
  parameters: Record<string, string>,
): CredentialStore {
  const parameter = (name: string): string => {
    const found = parameters[name];
    if (!found)
      throw new SecretsError(
        `no SSM parameter is named for credential "${name}"; add it to destination.credentials`,
      );
    return found;
  };
  return {
    async get(name, options) {
      const value = await secrets.get(parameter(name), options);
      if (value === undefined || value === '')
        throw new SecretsError(`SSM parameter ${parameter(name)} (credential "${name}") is not set`, {
          parameter: parameter(name),
        });
      return value;
    },
    async put(name, value) {
      if (!secrets.put)
        throw new SecretsError(`credential "${name}" rotated but this secret source can't store it`, {
          parameter: parameter(name),
        });
      await secrets.put(parameter(name), value);
    },
  };
}

/**
 * A lock held through a conditional write on a cursor item of the mapping table: one holder across
 * every process; a holder that died is outlived after `leaseMs`.
 */
export function storeCredentialLock(
  store: Pick<MappingStore, 'getCursor' | 'putCursor'>,
  integration: string,
  options: {
    leaseMs?: number;
    waitMs?: number;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): CredentialLock {
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 60_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const holder = `${Math.random().toString(36).slice(2)}-${now()}`;
  return {
    async withLock(name, work) {
      const key = `lock:${name}`;
      const deadline = now() + waitMs;
      for (;;) {
        const current = await store.getCursor(integration, key);
        const held = current ? (JSON.parse(current.value) as { until: number; holder: string }) : undefined;
        if (!held || held.until <= now()) {
          const claimed = await store.putCursor(
            integration,
            key,
            JSON.stringify({ until: now() + leaseMs, holder }),
            current?.version ?? null,
          );
          if (claimed) break;
        }
        if (now() > deadline) throw new Error(`could not take the ${name} lock within ${waitMs} ms`);
        await sleep(100 + Math.floor(Math.random() * 100));
      }
      try {
        return await work();
      } finally {
        const mine = await store.getCursor(integration, key);
        if (mine && (JSON.parse(mine.value) as { holder: string }).holder === holder)
          await store.putCursor(integration, key, JSON.stringify({ until: 0, holder }), mine.version);
      }
    },
  };
}

export interface DestinationClientForOptions {
  spec: IntegrationSpec;
  connector?: ConnectorDocument;
  secrets: SecretSource;
  /**
   * Overrides the connector's base URL (a simulator locally; spec.destination.baseUrl otherwise). The
   * override also re-roots the connector's absolute token URL onto its origin (docs/CONNECTORS.md).
   */
  baseUrl?: string;
  fields: string[];
  lock?: CredentialLock;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
}

export function destinationClientFor(options: DestinationClientForOptions): DestinationClient {
  const { spec } = options;
  const connector = connectorFor(spec, options.connector);
  return createConnectorClient({
    connector,
    connection: spec.destination.connection ?? {},
    credentials: secretCredentials(options.secrets, credentialParameters(spec)),
    baseUrl: options.baseUrl ?? spec.destination.baseUrl,
    // A local base URL override (a simulator) takes the token endpoint along, whatever host it names.
    ...(options.baseUrl ? { localOrigin: new URL(options.baseUrl).origin } : {}),
    naturalKeyField: spec.destination.naturalKey.destinationField,
    idempotency: spec.destination.idempotency,
    fields: options.fields,
    ...(options.lock ? { lock: options.lock } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
