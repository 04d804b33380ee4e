/**
 * New integration: four answers (name, client, HubSpot object, destination) and the studio opens a
 * fresh spec with both sides' schemas already read — the server holds the tokens, nothing is pasted.
 */
import { useState } from 'react';
import {
  type HubSpotObject,
  integrationNameProblem,
  newIntegrationSpec,
  type StudioSpec,
  slugify,
} from '../model/index.ts';
import type { ServerStatus } from './server-api.ts';
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
  const offered = (status?.destinations ?? []).filter((d) => d.template);
  const [clientName, setClientName] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [objectType, setObjectType] = useState<HubSpotObject>('contacts');
  const [destination, setDestination] = useState(props.destination ?? offered[0]?.name ?? '');
  const [tried, setTried] = useState(false);

  useEscape(onClose);

  const picked = offered.find((d) => d.name === destination);
  // The name follows the client and the destination's records until the consultant types one.
  const suggestedName =
    slugify(clientName) && picked
      ? `${slugify(clientName)}-${picked.objectType.toLowerCase().replace(/s$/, '')}s`
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
        destination: { name: picked.name, template: picked.template },
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
        <fieldset className="choice-row">
          <legend>Destination</legend>
          {offered.length === 0 ? (
            <p className="muted small">The studio server offers no destination (start it with npm start).</p>
          ) : null}
          {offered.map((d) => (
            <label key={d.name} className="choice">
              <input
                type="radio"
                name="destination"
                value={d.name}
                data-testid={`new-destination-${d.name}`}
                checked={destination === d.name}
                onChange={() => setDestination(d.name)}
              />
              {d.name}{' '}
              <span className="muted small">
                ({d.objectType}, {d.api === 'graphql' ? 'GraphQL' : 'REST'})
              </span>
            </label>
          ))}
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
