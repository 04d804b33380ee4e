/** The studio shell: header actions, the canvas for the open direction, and the side panels. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { MappingCanvas } from '../canvas/MappingCanvas.tsx';
import {
  DIRECTIONS,
  type Direction,
  likelyPairs,
  mappingsOf,
  type NodeLocation,
  type Problem,
  readAt,
  type SchemaSide,
  type StudioSpec,
  suggestMappings,
  validateWorkspace,
} from '../model/index.ts';
import { CodePanel } from '../panels/CodePanel.tsx';
import { EnumMapEditor } from '../panels/EnumMapEditor.tsx';
import { PreviewPanel } from '../panels/PreviewPanel.tsx';
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx';
import { RunPanel, useLocalRun } from '../panels/RunPanel.tsx';
import { SuggestionsPanel } from '../panels/SuggestionsPanel.tsx';
import { download, parseSpecFile, specText } from '../spec/spec-file.ts';
import { PairTable } from '../table/PairTable.tsx';
import { ConnectDialog } from './ConnectDialog.tsx';
import './journey.css';
import { importConnectorFields } from '../model/importers/index.ts';
import { NewIntegrationDialog } from './NewIntegrationDialog.tsx';
import { OpenRunningDialog } from './OpenRunningDialog.tsx';
import { readDestinationSchema, readHubSpotSchema } from './schema-loading.ts';
import { type ServerStatus, serverApi } from './server-api.ts';
import { useSamples } from './use-samples.ts';
import { useWorkspace } from './use-workspace.ts';

const SpecEditor = lazy(() => import('../spec/SpecEditor.tsx'));

type View = 'canvas' | 'table';
type Tab = 'problems' | 'suggestions' | 'enum' | 'preview' | 'spec' | 'code' | 'run';
const DIRECTION_LABEL: Record<Direction, string> = {
  'hubspot-to-destination': 'HubSpot → Destination',
  'destination-to-hubspot': 'Destination → HubSpot',
};

interface ExportReport {
  ok: boolean;
  problems: string[];
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return (
    el.tagName === 'INPUT' ||
    el.tagName === 'TEXTAREA' ||
    el.tagName === 'SELECT' ||
    el.isContentEditable ||
    !!el.closest?.('.monaco-editor')
  );
}

export function App() {
  const workspace = useWorkspace();
  const { state, dispatch } = workspace;
  const [tab, setTab] = useState<Tab>('problems');
  const [view, setView] = useState<View>('canvas');
  const [connect, setConnect] = useState<SchemaSide | null>(null);
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [enumLocation, setEnumLocation] = useState<NodeLocation | null>(null);
  const [reveal, setReveal] = useState<{ pointer: string; nonce: number } | null>(null);
  const [exportReport, setExportReport] = useState<ExportReport | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [newDialog, setNewDialog] = useState<{ destination?: string; running: string[] } | null>(null);
  const [openRunning, setOpenRunning] = useState(false);
  // A catalog destination the sandbox has no simulator for: Run locally says so instead of loading.
  const notRunnable = useMemo(() => {
    const d = state.spec.destination;
    if (status?.destinations.some((e) => e.name === d.name)) return undefined;
    const entry = status?.catalog?.find((c) => c.id === d.connector);
    return entry && !entry.runnable
      ? `${entry.name}: ${entry.notRunnable ?? 'not runnable locally'}`
      : undefined;
  }, [status, state.spec.destination]);
  const localRun = useLocalRun(state.spec, notRunnable);

  const refreshStatus = useCallback(() => {
    serverApi
      .status()
      .then((s) => {
        setStatus(s);
        setStatusError(null);
      })
      .catch((e: Error) => setStatusError(e.message));
  }, []);
  useEffect(() => refreshStatus(), [refreshStatus]);

  /** A fresh workspace on `spec`, with both sides' schemas read through the server (which holds the tokens). */
  const openSpec = useCallback(
    async (spec: StudioSpec, how: string) => {
      workspace.open(spec);
      setTab('problems');
      const failures: string[] = [];
      const reads: Promise<void>[] = [];
      if (status?.hubspot.connected)
        reads.push(
          readHubSpotSchema(spec.hubspot.objectType, status.hubspot.baseUrl)
            .then((schema) => dispatch({ type: 'load-schema', schema }))
            .catch((e: Error) => void failures.push(`HubSpot: ${e.message}`)),
        );
      if (status?.destinations.some((d) => d.name === spec.destination.name))
        reads.push(
          readDestinationSchema(spec.destination.name, spec)
            .then((schema) => dispatch({ type: 'load-schema', schema }))
            .catch((e: Error) => void failures.push(`${spec.destination.name}: ${e.message}`)),
        );
      else {
        // No live endpoint: the record schema its catalog connector describes.
        const entry = status?.catalog?.find((c) => c.id === spec.destination.connector);
        if (entry) {
          try {
            dispatch({ type: 'load-schema', schema: importConnectorFields(entry) });
          } catch (e) {
            failures.push(`${entry.name}: ${(e as Error).message}`);
          }
        }
      }
      await Promise.all(reads);
      setNotice(
        failures.length > 0
          ? `${how} ${spec.integration.name}; could not read ${failures.join('; ')}`
          : `${how} ${spec.integration.name}`,
      );
    },
    [dispatch, status, workspace.open],
  );

  const startNew = useCallback(async (destination?: string) => {
    const running = await serverApi
      .runningIntegrations()
      .then((r) => r.integrations.map((i) => i.name))
      .catch(() => [] as string[]);
    setConnect(null);
    setNewDialog({ running, ...(destination ? { destination } : {}) });
  }, []);

  const runLocally = useCallback(() => {
    setTab('run');
    void localRun.run(false);
  }, [localRun.run]);

  // Selection changes must not recompute validation or suggestions: only schemas, the spec, drafts,
  // rejections and the open direction matter.
  const { hubspot, destination, spec, rejected, direction, drafts } = state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: state is read through exactly these parts
  const problems = useMemo(() => validateWorkspace(state), [hubspot, destination, spec, drafts]);
  const errors = problems.filter((p) => p.severity === 'error').length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: state is read through exactly these parts
  const suggestions = useMemo(
    () => suggestMappings(state, direction),
    [hubspot, destination, spec, rejected, direction],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: state is read through exactly these parts
  const likely = useMemo(() => likelyPairs(state), [hubspot, destination, spec, rejected]);

  // The enum editor follows the selected enumMap; it stays on the last one while other things are selected.
  useEffect(() => {
    if (state.selection?.kind === 'node') {
      const value = readAt(state, state.selection.location);
      if (value && 'enumMap' in value) setEnumLocation(state.selection.location);
    }
  }, [state]);
  const enumValue = enumLocation ? readAt(state, enumLocation) : undefined;
  const enumOpen = !!enumValue && 'enumMap' in enumValue && enumLocation?.direction === state.direction;

  const openEnumEditor = useCallback(
    (location: NodeLocation) => {
      dispatch({ type: 'set-direction', direction: location.direction });
      setEnumLocation(location);
      dispatch({ type: 'select', selection: { kind: 'node', location } });
      setTab('enum');
    },
    [dispatch],
  );

  const goTo = useCallback(
    (problem: Problem) => {
      const { location } = problem;
      if (location.direction) dispatch({ type: 'set-direction', direction: location.direction });
      if (location.node) {
        dispatch({ type: 'select', selection: { kind: 'node', location: location.node } });
        const value = readAt(state, location.node);
        if (value && 'enumMap' in value && problem.code.startsWith('enum')) openEnumEditor(location.node);
      } else if (location.target && location.direction)
        dispatch({
          type: 'select',
          selection: { kind: 'mapping', direction: location.direction, target: location.target },
        });
      else if (location.field)
        dispatch({
          type: 'select',
          selection: { kind: 'field', side: location.field.side, name: location.field.name },
        });
      if (location.pointer && tab === 'spec') setReveal({ pointer: location.pointer, nonce: Date.now() });
    },
    [dispatch, openEnumEditor, state, tab],
  );

  const exportSpec = useCallback(async () => {
    const { validateSpec } = await import('@kongo/runtime/spec');
    const result = validateSpec(JSON.parse(specText(state.spec)) as unknown);
    if (result.ok) {
      download('integration-spec.json', specText(state.spec));
      setExportReport(null);
      setNotice('Exported integration-spec.json (valid)');
    } else {
      setExportReport({
        ok: false,
        problems: result.problems.map((p) => `${p.pointer || '/'}: ${p.message}`),
      });
    }
  }, [state.spec]);

  const openFile = async (file: File) => {
    try {
      dispatch({ type: 'replace-spec', spec: parseSpecFile(await file.text()) });
      setNotice(`Opened ${file.name}`);
    } catch (e) {
      setNotice(`Could not open ${file.name}: ${(e as Error).message}`);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void exportSpec();
        return;
      }
      if (mod && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        fileInput.current?.click();
        return;
      }
      if (isTyping(e.target)) return;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) workspace.redo();
        else workspace.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        workspace.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        const sel = state.selection;
        if (sel?.kind === 'mapping')
          dispatch({ type: 'remove-mapping', direction: sel.direction, target: sel.target });
        if (sel?.kind === 'node') dispatch({ type: 'delete-node', location: sel.location });
      } else if (e.key === 'Escape') dispatch({ type: 'select', selection: null });
      else if (e.key === '/') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="source-search"]')?.focus();
      } else if (e.altKey && (e.key === 't' || e.key === 'c')) {
        e.preventDefault();
        setView(e.key === 't' ? 'table' : 'canvas');
      } else if (e.altKey && (e.key === '1' || e.key === '2'))
        dispatch({ type: 'set-direction', direction: DIRECTIONS[Number(e.key) - 1]! });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch, exportSpec, state.selection, workspace]);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(t);
  }, [notice]);

  const destinationName =
    status?.destinations.find((d) => d.name === state.spec.destination.name)?.name ??
    status?.destinations[0]?.name ??
    null;
  const samples = useSamples(state, destinationName);
  const online = !!status?.hubspot.connected;
  const showOnCanvas = useCallback(
    (direction: Direction, target: string) => {
      dispatch({ type: 'set-direction', direction });
      dispatch({ type: 'select', selection: { kind: 'mapping', direction, target } });
      setView('canvas');
    },
    [dispatch],
  );

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <strong>Kongo Studio</strong>
          <span className="muted small">
            {state.spec.client.name} · {state.spec.integration.name}
          </span>
        </div>
        <nav className="direction-tabs" aria-label="Direction">
          {DIRECTIONS.map((d) => (
            <button
              key={d}
              type="button"
              className={d === state.direction ? 'active' : ''}
              data-testid={`direction-${d}`}
              onClick={() => dispatch({ type: 'set-direction', direction: d })}
              title={d === 'hubspot-to-destination' ? 'Alt+1' : 'Alt+2'}
            >
              {DIRECTION_LABEL[d]} <span className="count">{mappingsOf(state.spec, d).length}</span>
            </button>
          ))}
        </nav>
        <div className="connections">
          <button
            type="button"
            className={`chip-button${state.hubspot ? ' ok' : ''}`}
            onClick={() => setConnect('hubspot')}
            data-testid="open-connect-hubspot"
          >
            HubSpot: {state.hubspot ? `${state.hubspot.fields.length} properties` : 'not loaded'}
            {status?.hubspot.connected ? ' · connected' : ''}
          </button>
          <button
            type="button"
            className={`chip-button${state.destination ? ' ok' : ''}`}
            onClick={() => setConnect('destination')}
            data-testid="open-connect-destination"
          >
            Destination: {state.destination ? `${state.destination.fields.length} fields` : 'not loaded'}
          </button>
        </div>
        <div className="actions">
          <button
            type="button"
            onClick={workspace.undo}
            disabled={!workspace.canUndo}
            title="Undo (Ctrl+Z)"
            aria-label="Undo"
          >
            ↶
          </button>
          <button
            type="button"
            onClick={workspace.redo}
            disabled={!workspace.canRedo}
            title="Redo (Ctrl+Shift+Z)"
            aria-label="Redo"
          >
            ↷
          </button>
          <button type="button" onClick={() => void startNew()} data-testid="new-integration-open">
            New integration
          </button>
          {status?.runLocally ? (
            <button type="button" onClick={() => setOpenRunning(true)} data-testid="open-running-open">
              Open running
            </button>
          ) : null}
          <button type="button" onClick={() => fileInput.current?.click()} title="Open a spec (Ctrl+O)">
            Open
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="open-spec"
            onChange={(e) => e.target.files?.[0] && void openFile(e.target.files[0])}
          />
          {status?.runLocally ? (
            <button
              type="button"
              onClick={runLocally}
              disabled={localRun.state.phase === 'checking'}
              title="Check secrets, the HubSpot app, both APIs and subscriptions, then load this spec into the local gateway"
              data-testid="run-locally"
            >
              {localRun.state.phase === 'checking' ? 'Checking…' : 'Run locally'}
            </button>
          ) : null}
          <button
            type="button"
            className="primary"
            onClick={() => void exportSpec()}
            title="Validate and download integration-spec.json (Ctrl+S)"
            data-testid="export"
          >
            Export spec
          </button>
        </div>
      </header>
      {statusError ? (
        <div className="banner error" role="alert">
          {statusError}
        </div>
      ) : null}
      {exportReport ? (
        <div className="banner error" role="alert" data-testid="export-problems">
          <strong>The spec does not validate yet ({exportReport.problems.length} problems):</strong>
          <ul>
            {exportReport.problems.slice(0, 6).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <button type="button" onClick={() => download('integration-spec.json', specText(state.spec))}>
            Download anyway
          </button>
          <button type="button" onClick={() => setExportReport(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main className="workarea">
        <section className="main-view">
          <div className="view-switch" role="tablist" aria-label="View">
            <button
              type="button"
              role="tab"
              aria-selected={view === 'canvas'}
              className={view === 'canvas' ? 'active' : ''}
              data-testid="view-canvas"
              title="Draw mappings between the field lists (Alt+C)"
              onClick={() => setView('canvas')}
            >
              Canvas
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={view === 'table'}
              className={view === 'table' ? 'active' : ''}
              data-testid="view-table"
              title="One row per field pair, both directions (Alt+T)"
              onClick={() => setView('table')}
            >
              Field pairs{likely.length ? ` · ${likely.length} likely` : ''}
            </button>
          </div>
          {view === 'canvas' ? (
            <MappingCanvas
              state={state}
              problems={problems}
              dispatch={dispatch}
              openEnumEditor={openEnumEditor}
              openConnect={setConnect}
              undo={workspace.undo}
            />
          ) : (
            <PairTable
              state={state}
              dispatch={dispatch}
              likely={likely}
              samplesOf={samples.valuesOf}
              samples={{
                loaded: samples.loaded,
                loading: samples.loading,
                error: samples.error,
                load: () => void samples.load(),
                online,
              }}
              openEnumEditor={openEnumEditor}
              showOnCanvas={showOnCanvas}
            />
          )}
        </section>
        <aside className="sidebar">
          <div className="tabs" role="tablist">
            {(
              [
                ['problems', `Problems${problems.length ? ` (${problems.length})` : ''}`],
                ['suggestions', `Suggestions${suggestions.length ? ` (${suggestions.length})` : ''}`],
                ['enum', 'Enum map'],
                ['preview', 'Preview'],
                ['spec', 'Spec'],
                ['code', 'Code'],
                ['run', 'Run'],
              ] as [Tab, string][]
            ).map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                aria-selected={tab === id}
                className={tab === id ? 'active' : ''}
                data-testid={`tab-${id}`}
                onClick={() => setTab(id)}
              >
                {label}
              </button>
            ))}
          </div>
          <div className="tab-body">
            {tab === 'problems' ? (
              <ProblemsPanel problems={problems} onGo={goTo} dispatch={dispatch} />
            ) : null}
            {tab === 'suggestions' ? (
              <SuggestionsPanel
                suggestions={suggestions}
                ready={!!state.hubspot && !!state.destination}
                dispatch={dispatch}
              />
            ) : null}
            {tab === 'enum' ? (
              enumOpen && enumLocation ? (
                <EnumMapEditor state={state} location={enumLocation} dispatch={dispatch} />
              ) : (
                <div className="empty-state">
                  Select an enumMap formula (or click “Edit map…” on one) to edit its options.
                </div>
              )
            ) : null}
            {tab === 'preview' ? <PreviewPanel state={state} samples={samples} online={online} /> : null}
            {tab === 'spec' ? (
              <Suspense fallback={<div className="empty-state">Loading the editor…</div>}>
                <SpecEditor
                  spec={state.spec}
                  onSpec={(spec) => dispatch({ type: 'replace-spec', spec })}
                  reveal={reveal}
                />
              </Suspense>
            ) : null}
            {tab === 'code' ? <CodePanel spec={state.spec} hasErrors={errors > 0} /> : null}
            {tab === 'run' ? (
              <RunPanel
                spec={state.spec}
                canRun={status?.runLocally === true}
                hasErrors={errors > 0}
                run={localRun}
              />
            ) : null}
          </div>
        </aside>
      </main>
      <footer className="statusbar">
        <span>{errors === 0 ? 'No errors' : `${errors} error${errors > 1 ? 's' : ''}`}</span>
        <span className="muted">
          Autosaved locally (mapping work only) · Ctrl+Z/Ctrl+Shift+Z undo/redo · Del removes · / search ·
          Ctrl+S export
        </span>
        {notice ? (
          <span className="notice" role="status">
            {notice}
          </span>
        ) : null}
      </footer>
      {connect ? (
        <ConnectDialog
          side={connect}
          spec={state.spec}
          status={status}
          dispatch={dispatch}
          onClose={() => setConnect(null)}
          onStatus={refreshStatus}
          onNewIntegration={(destination) => void startNew(destination)}
        />
      ) : null}
      {newDialog ? (
        <NewIntegrationDialog
          status={status}
          running={newDialog.running}
          {...(newDialog.destination ? { destination: newDialog.destination } : {})}
          onClose={() => setNewDialog(null)}
          onCreate={(spec) => {
            setNewDialog(null);
            void openSpec(spec, 'Created');
          }}
        />
      ) : null}
      {openRunning ? (
        <OpenRunningDialog
          current={state.spec.integration.name}
          onClose={() => setOpenRunning(false)}
          onOpen={async (name) => {
            const { spec } = await serverApi.runningSpec(name);
            await openSpec(parseSpecFile(JSON.stringify(spec)), 'Opened running');
          }}
        />
      ) : null}
    </div>
  );
}
