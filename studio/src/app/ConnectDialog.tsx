/**
 * Connecting both sides. HubSpot: a private-app token sent once to the local server (which keeps
 * it in memory), or a saved properties snapshot. Destination: read from a configured API, or a
 * JSON Schema / OpenAPI 3 / GraphQL introspection file.
 */
import { useState } from 'react';
import {
  graphqlTypeNames,
  importGraphQLIntrospection,
  importHubSpotProperties,
  importJsonSchema,
  importOpenApi,
  openApiSchemaNames,
} from '../model/importers/index.ts';
import type { MappingChange, SchemaSide, StudioSpec } from '../model/index.ts';
import { download } from '../spec/spec-file.ts';
import { readDestinationSchema } from './schema-loading.ts';
import { type ServerStatus, serverApi } from './server-api.ts';
import { useEscape } from './use-escape.ts';

type FileKind = { kind: 'graphql' | 'openapi'; json: unknown; names: string[]; fileName: string } | null;

function readFile(file: File): Promise<unknown> {
  return file.text().then((t) => JSON.parse(t) as unknown);
}

export function ConnectDialog(props: {
  side: SchemaSide;
  spec: StudioSpec;
  status: ServerStatus | null;
  dispatch: (change: MappingChange) => void;
  onClose: () => void;
  onStatus: () => void;
  /** Another destination than the spec's: start a new integration for it (never re-point this spec). */
  onNewIntegration: (destination: string) => void;
}) {
  const { side, spec, status, dispatch, onClose, onStatus, onNewIntegration } = props;
  const [token, setToken] = useState('');
  const [objectType, setObjectType] = useState<string>(spec.hubspot.objectType);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [snapshot, setSnapshot] = useState<unknown>(null);
  const [pending, setPending] = useState<FileKind>(null);
  const [picked, setPicked] = useState('');

  useEscape(onClose);

  async function attempt(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const connectHubSpot = () =>
    attempt(async () => {
      if (!status?.hubspot.connected || token) await serverApi.connectHubSpot(token, objectType);
      setToken('');
      onStatus();
      const json = await serverApi.hubspotProperties(objectType);
      setSnapshot(json);
      dispatch({
        type: 'load-schema',
        schema: importHubSpotProperties(
          json,
          `HubSpot ${objectType} (${status?.hubspot.baseUrl ?? 'portal'})`,
        ),
      });
      onClose();
    });

  const loadHubSpotFile = (file: File) =>
    attempt(async () => {
      dispatch({
        type: 'load-schema',
        schema: importHubSpotProperties(await readFile(file), `snapshot ${file.name}`),
      });
      onClose();
    });

  const readDestination = (name: string) =>
    attempt(async () => {
      dispatch({ type: 'load-schema', schema: await readDestinationSchema(name, spec) });
      onClose();
    });

  const loadDestinationFile = (file: File) =>
    attempt(async () => {
      const json = await readFile(file);
      const obj = json as Record<string, unknown>;
      if (
        obj &&
        typeof obj === 'object' &&
        ('__schema' in obj || (obj.data && typeof obj.data === 'object' && '__schema' in obj.data))
      ) {
        const names = graphqlTypeNames(json);
        setPending({ kind: 'graphql', json, names, fileName: file.name });
        setPicked(
          names.includes(spec.destination.objectType) ? spec.destination.objectType : (names[0] ?? ''),
        );
        return;
      }
      if (typeof obj.openapi === 'string') {
        const names = openApiSchemaNames(json);
        setPending({ kind: 'openapi', json, names, fileName: file.name });
        setPicked(
          names.includes(spec.destination.objectType) ? spec.destination.objectType : (names[0] ?? ''),
        );
        return;
      }
      dispatch({
        type: 'load-schema',
        schema: importJsonSchema(json, { source: `JSON Schema ${file.name}` }),
      });
      onClose();
    });

  const importPending = () =>
    attempt(async () => {
      if (!pending) return;
      const schema =
        pending.kind === 'graphql'
          ? importGraphQLIntrospection(pending.json, picked)
          : importOpenApi(pending.json, picked);
      dispatch({ type: 'load-schema', schema: { ...schema, source: `${pending.fileName} › ${picked}` } });
      onClose();
    });

  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={side === 'hubspot' ? 'Connect HubSpot' : 'Destination schema'}
        data-testid={`connect-${side}`}
      >
        {side === 'hubspot' ? (
          <>
            <h2>Connect HubSpot</h2>
            <p className="muted small">
              The token goes to the studio's local server, which keeps it in memory only and calls{' '}
              {status?.hubspot.baseUrl ?? 'HubSpot'}. It is never saved in the browser, the spec or the
              autosave.
            </p>
            <form
              className="token-form"
              onSubmit={(e) => {
                e.preventDefault();
                void connectHubSpot();
              }}
            >
              <label>
                Private-app access token
                <input
                  type="password"
                  autoComplete="off"
                  data-testid="hubspot-token"
                  placeholder={
                    status?.hubspot.connected ? 'Connected (enter a new token to replace it)' : 'pat-…'
                  }
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                />
              </label>
            </form>
            <label>
              Object
              <select value={objectType} onChange={(e) => setObjectType(e.target.value)}>
                <option value="contacts">contacts</option>
                <option value="companies">companies</option>
                <option value="deals">deals</option>
              </select>
            </label>
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={busy || (!token && !status?.hubspot.connected)}
                onClick={() => void connectHubSpot()}
                data-testid="hubspot-connect"
              >
                {busy
                  ? 'Connecting…'
                  : status?.hubspot.connected && !token
                    ? 'Reload properties'
                    : 'Connect and load properties'}
              </button>
              {snapshot ? (
                <button
                  type="button"
                  onClick={() =>
                    download(`hubspot-${objectType}-properties.json`, JSON.stringify(snapshot, null, 2))
                  }
                >
                  Save snapshot
                </button>
              ) : null}
            </div>
            <hr />
            <label>
              …or load a saved properties snapshot (JSON)
              <input
                type="file"
                accept=".json,application/json"
                data-testid="hubspot-file"
                onChange={(e) => e.target.files?.[0] && void loadHubSpotFile(e.target.files[0])}
              />
            </label>
          </>
        ) : (
          <>
            <h2>Destination schema</h2>
            {status && status.destinations.length > 0 ? (
              <div className="destination-list">
                {status.destinations.map((d) =>
                  d.name === spec.destination.name ? (
                    <button
                      key={d.name}
                      type="button"
                      className="primary"
                      disabled={busy}
                      data-testid={`destination-${d.name}`}
                      onClick={() => void readDestination(d.name)}
                    >
                      Read from {d.name} (
                      {d.api === 'graphql' ? 'GraphQL introspection' : 'documented fields and sample records'}
                      )
                    </button>
                  ) : (
                    <button
                      key={d.name}
                      type="button"
                      disabled={busy || !d.template}
                      data-testid={`destination-new-${d.name}`}
                      title={`This spec's destination is ${spec.destination.name}; ${d.name} needs an integration of its own`}
                      onClick={() => onNewIntegration(d.name)}
                    >
                      New integration with {d.name}…
                    </button>
                  ),
                )}
              </div>
            ) : (
              <p className="muted small">
                No destination API is configured on the studio server; import a file.
              </p>
            )}
            <hr />
            <label>
              Import JSON Schema, OpenAPI 3 or GraphQL introspection (JSON)
              <input
                type="file"
                accept=".json,application/json"
                data-testid="destination-file"
                onChange={(e) => e.target.files?.[0] && void loadDestinationFile(e.target.files[0])}
              />
            </label>
            {pending ? (
              <div className="actions">
                <label>
                  {pending.kind === 'graphql' ? 'Record type' : 'Schema'}
                  <select value={picked} onChange={(e) => setPicked(e.target.value)}>
                    {pending.names.map((n) => (
                      <option key={n}>{n}</option>
                    ))}
                  </select>
                </label>
                <button type="button" className="primary" onClick={() => void importPending()}>
                  Import {picked}
                </button>
              </div>
            ) : null}
          </>
        )}
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <div className="actions end">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
