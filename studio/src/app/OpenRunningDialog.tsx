/** Open running: the integrations loaded in the local gateway, each openable in the studio, stoppable and restartable. */
import { useEffect, useState } from 'react';
import { type RunningIntegration, serverApi } from './server-api.ts';
import { useEscape } from './use-escape.ts';

export function OpenRunningDialog(props: {
  current: string;
  onOpen: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const { onOpen, onClose } = props;
  const [list, setList] = useState<RunningIntegration[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    serverApi
      .runningIntegrations()
      .then((r) => setList(r.integrations))
      .catch((e: Error) => setError(e.message));
  }, []);
  useEscape(onClose);

  return (
    <div className="modal-backdrop">
      <div
        className="modal wide"
        role="dialog"
        aria-modal="true"
        aria-label="Open running"
        data-testid="open-running"
      >
        <h2>Running locally</h2>
        {list === null && !error ? <p className="muted">Reading the local gateway…</p> : null}
        {list && list.length === 0 ? <p className="muted">Nothing runs locally yet.</p> : null}
        {list && list.length > 0 ? (
          <table className="running-table">
            <thead>
              <tr>
                <th>integration</th>
                <th>client</th>
                <th>HubSpot</th>
                <th>destination</th>
                <th>mappings →/←</th>
                <th>state</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((i) => (
                <tr key={i.name} data-testid={`running-${i.name}`}>
                  <td className="mono">{i.name}</td>
                  <td>{i.client.name}</td>
                  <td>
                    {i.hubspotObject} <span className="muted small">app {i.appId}</span>
                  </td>
                  <td>{i.destination}</td>
                  <td>
                    {i.mappings['hubspot-to-destination']} / {i.mappings['destination-to-hubspot']}
                  </td>
                  <td>
                    {i.running ? `running (gen. ${i.generation})` : 'stopped'}
                    {i.name === props.current ? <span className="muted small"> · open</span> : null}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="primary"
                      disabled={busy !== null}
                      data-testid={`open-running-${i.name}`}
                      onClick={() => {
                        setBusy(i.name);
                        setError(null);
                        onOpen(i.name)
                          .then(onClose)
                          .catch((e: Error) => setError(e.message))
                          .finally(() => setBusy(null));
                      }}
                    >
                      {busy === i.name ? 'Opening…' : 'Open'}
                    </button>{' '}
                    <button
                      type="button"
                      // aria-disabled, not disabled: Chromium drops key events while focus sits on a
                      // button that became disabled, so Escape would no longer close the dialog.
                      aria-disabled={busy !== null}
                      data-testid={`${i.running ? 'stop' : 'start'}-running-${i.name}`}
                      title={
                        i.running
                          ? 'Stop its handlers and webhook routes (two integrations on the same records overwrite each other)'
                          : 'Start its handlers and webhook routes again'
                      }
                      onClick={() => {
                        if (busy !== null) return;
                        setBusy(i.name);
                        setError(null);
                        serverApi
                          .setRunning(i.name, !i.running)
                          .then((r) => setList(r.integrations))
                          .catch((e: Error) => setError(e.message))
                          .finally(() => setBusy(null));
                      }}
                    >
                      {i.running ? 'Stop' : 'Start'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
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
