/**
 * New integration: four answers (name, client, HubSpot object, destination) and the studio opens a
 * fresh spec with both sides' schemas already read — the server holds the tokens, nothing is pasted.
 * The destination comes from the connector catalog; those the sandbox runs locally come first.
 */
import { useState } from 'react';
import {
  type HubSpotObject,
  integrationNameProblem,
  newIntegrationSpec,
  type StudioSpec,
  slugify,
} from '../model/index.ts';
import type { CatalogEntry, ServerStatus } from './server-api.ts';
import { useEscape } from './use-escape.ts';

export function NewIntegrationDialog(props: {
  status: ServerStatus | null;
  /** Preselected destination (from "New integration with …" in the destination dialog). */
  destination?: string;
  /** Names already running locally: a new integration must not silently take one. */
  running: string[];
  onCreate: (spec: StudioSpec) => void;
  onClose: () => void;
}) {
  const { status, onCreate, onClose } = props;
  const offered = destinationChoices(status);
  const [clientName, setClientName] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [objectType, setObjectType] = useState<HubSpotObject>('contacts');
  const [destination, setDestination] = useState(
    props.destination ?? offered.find((d) => d.runnable)?.key ?? offered[0]?.key ?? '',
  );
  const [tried, setTried] = useState(false);

  useEscape(onClose);

  const picked = offered.find((d) => d.key === destination);
  // The name follows the client and the destination's records until the consultant types one.
  const suggestedName =
    slugify(clientName) && picked
      ? `${slugify(clientName)}-${slugify(picked.objectType).replace(/s$/, '')}s`
      : '';
  const effectiveName = nameTouched ? name : suggestedName;
  const problems = [
    clientName.trim() === '' ? 'Name the client' : null,
    integrationNameProblem(effectiveName),
    props.running.includes(effectiveName)
      ? `${effectiveName} already runs locally: open it with “Open running”, or pick another name`
      : null,
    picked ? null : 'Pick a destination',
  ].filter((p): p is string => p !== null);

  const create = () => {
    setTried(true);
    if (problems.length > 0 || !picked?.template) return;
    onCreate(
      newIntegrationSpec({
        name: effectiveName,
        clientName,
        objectType,
        destination: { name: picked.key, template: picked.template },
      }),
    );
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label="New integration"
        data-testid="new-integration"
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <h2>New integration</h2>
        <p className="muted small">
          HubSpot ({status?.hubspot.baseUrl ?? 'not configured'}) and the destinations are connected by the
          studio server{status?.hubspot.connected ? '' : ' — HubSpot is not connected yet'}; nothing to paste.
        </p>
        <label>
          Client
          <input
            data-testid="new-client"
            placeholder="Acme Events"
            value={clientName}
            onChange={(e) => setClientName(e.target.value)}
          />
        </label>
        <label>
          Integration name
          <input
            data-testid="new-name"
            placeholder={suggestedName || 'acme-attendees'}
            value={effectiveName}
            onChange={(e) => {
              setNameTouched(true);
              setName(e.target.value);
            }}
          />
        </label>
        <fieldset className="choice-row">
          <legend>HubSpot object</legend>
          {(['contacts', 'companies', 'deals'] as const).map((o) => (
            <label key={o} className="choice">
              <input
                type="radio"
                name="object"
                value={o}
                data-testid={`new-object-${o}`}
                checked={objectType === o}
                onChange={() => setObjectType(o)}
              />
              {o}
            </label>
          ))}
        </fieldset>
        <fieldset className="destination-picker" data-testid="new-destinations">
          <legend>Destination</legend>
          {offered.length === 0 ? (
            <p className="muted small">The studio server offers no destination (start it with npm start).</p>
          ) : null}
          {offered.map((d) => (
            <label
              key={d.key}
              className={`choice destination-choice${d.runnable ? '' : ' not-runnable'}`}
              title={d.description}
            >
              <input
                type="radio"
                name="destination"
                value={d.key}
                data-testid={`new-destination-${d.key}`}
                checked={destination === d.key}
                onChange={() => setDestination(d.key)}
              />
              <span>
                <strong>{d.label}</strong>{' '}
                <span className="muted small">
                  {d.objectType} · {d.api === 'graphql' ? 'GraphQL' : 'REST'}
                  {d.fields !== undefined ? ` · ${d.fields} fields` : ''}
                </span>{' '}
                {d.runnable ? (
                  <span className="badge ok">runs locally</span>
                ) : (
                  <span className="badge" title={d.notRunnable}>
                    map &amp; export
                  </span>
                )}
              </span>
            </label>
          ))}
          {picked && !picked.runnable && picked.notRunnable ? (
            <p className="muted small" data-testid="new-not-runnable">
              {picked.label}: {picked.notRunnable}.
            </p>
          ) : null}
        </fieldset>
        {tried && problems.length > 0 ? (
          <ul className="error-text" role="alert" data-testid="new-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <div className="actions end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="new-create">
            Create
          </button>
        </div>
      </form>
    </div>
  );
}

/** One destination New integration offers. `key` is what the spec's destination.name becomes. */
interface DestinationChoice {
  key: string;
  label: string;
  description: string;
  api: 'graphql' | 'rest';
  objectType: string;
  fields?: number;
  runnable: boolean;
  notRunnable?: string;
  template: NonNullable<ServerStatus['destinations'][number]['template']>;
}

/**
 * Every catalog connector (the runnable ones first, then by name); a server without the catalog
 * offers its destination endpoints that have a template.
 */
function destinationChoices(status: ServerStatus | null): DestinationChoice[] {
  if (status?.catalog) {
    const choice = (c: CatalogEntry): DestinationChoice => ({
      key: c.destination ?? c.id,
      label: c.destination ? `${c.destination} (${c.name})` : c.name,
      description: c.description,
      api: c.api,
      objectType: c.objectType,
      fields: c.fields.length,
      runnable: c.runnable,
      ...(c.notRunnable ? { notRunnable: c.notRunnable } : {}),
      template: c.template,
    });
    return [...status.catalog.filter((c) => c.runnable), ...status.catalog.filter((c) => !c.runnable)].map(
      choice,
    );
  }
  return (status?.destinations ?? []).flatMap((d) =>
    d.template
      ? [
          {
            key: d.name,
            label: d.name,
            description: '',
            api: d.api,
            objectType: d.objectType,
            runnable: status?.runLocally === true,
            template: d.template,
          },
        ]
      : [],
  );
}
