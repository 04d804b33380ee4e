/**
 * Run locally and its proof: the preflight checks (each with its fix when it fails), then the next
 * record change's live trace through the seven stages — the Notification Centre's anatomy view —
 * with its result, and every failure under the stage where it happened. Never "Running" unless
 * every check passed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  type FailureView,
  type PreflightCheck,
  type RunLocallyAnswer,
  ServerError,
  serverApi,
  type TraceView,
} from '../app/server-api.ts';
import type { StudioSpec } from '../model/index.ts';

/** The anatomy view's seven stages, as the Notification Centre names them. */
export const STAGES: ReadonlyArray<[string, string]> = [
  ['trigger', 'Trigger'],
  ['receive', 'Receive'],
  ['verify', 'Verify'],
  ['transform', 'Transform'],
  ['idempotency', 'Idempotency'],
  ['deliver', 'Delivery'],
  ['observe', 'Observability'],
];
/** Outcomes that mean the change did not land (echoes and duplicates are the pipeline doing its job). */
const FAILED_OUTCOMES = new Set(['failed', 'retried', 'dead-lettered', 'quarantined', 'conflict']);
/** Our own write coming back: not the consultant's change, so the view keeps showing that one. */
const QUIET_OUTCOMES = new Set(['echo-dropped', 'duplicate-ignored']);
const STAGE_OF_COUNTER: Record<string, string> = { hydrate: 'transform', queue: 'receive', poll: 'trigger' };

export type RunState =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'confirm'; message: string }
  | { phase: 'refused'; message: string; checks: PreflightCheck[] }
  | { phase: 'error'; message: string }
  | { phase: 'running'; answer: RunLocallyAnswer };

/** `notRunnable`: why the sandbox cannot run this spec's destination (Run locally refuses at once). */
export function useLocalRun(spec: StudioSpec, notRunnable?: string) {
  const [state, setState] = useState<RunState>({ phase: 'idle' });
  const run = useCallback(
    async (replace: boolean) => {
      if (notRunnable) {
        setState({
          phase: 'refused',
          message: `Not loaded: ${notRunnable}`,
          checks: [
            {
              id: 'destination',
              title: `a local ${spec.destination.name}`,
              ok: false,
              detail: notRunnable,
              fix: 'Export the spec and deploy it, or start a New integration on a destination marked “runs locally”.',
            },
          ],
        });
        return;
      }
      setState({ phase: 'checking' });
      try {
        setState({ phase: 'running', answer: await serverApi.runLocally(spec, replace) });
      } catch (e) {
        const error = e as Error;
        if (error instanceof ServerError && error.details.reason === 'exists')
          setState({ phase: 'confirm', message: error.message });
        else if (error instanceof ServerError && error.details.checks)
          setState({ phase: 'refused', message: error.message, checks: error.details.checks });
        else setState({ phase: 'error', message: error.message });
      }
    },
    [spec, notRunnable],
  );
  // A different integration opened: its run state starts over.
  const name = spec.integration.name;
  const lastName = useRef(name);
  useEffect(() => {
    if (lastName.current !== name) setState({ phase: 'idle' });
    lastName.current = name;
  }, [name]);
  return { state, run, reset: () => setState({ phase: 'idle' }) };
}

function Checks(props: { checks: PreflightCheck[]; open: boolean }) {
  const failed = props.checks.filter((c) => !c.ok);
  const shown = props.open ? [...failed, ...props.checks.filter((c) => c.ok)] : failed;
  return (
    <ul className="checks" data-testid="run-checks">
      {shown.map((c) => (
        <li key={c.id} className={c.ok ? 'ok' : 'failed'} data-testid={`check-${c.ok ? 'ok' : 'failed'}`}>
          <span className="mark">{c.ok ? '✓' : '✗'}</span> <strong>{c.title}</strong>
          <div className="small">{c.detail}</div>
          {c.fix ? <div className="small fix">Fix: {c.fix}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function Anatomy(props: { trace: TraceView }) {
  const byStage = new Map(props.trace.stages.map((s) => [s.stage, s]));
  const failed = FAILED_OUTCOMES.has(props.trace.outcome);
  return (
    <div className="anatomy" data-testid="run-trace">
      <div className="small">
        {props.trace.direction === 'destination-to-hubspot'
          ? 'Destination → HubSpot'
          : 'HubSpot → Destination'}
        {props.trace.recordId ? ` · record ${props.trace.recordId}` : ''} ·{' '}
        <strong className={failed ? 'error-text' : 'ok-text'} data-testid="run-trace-outcome">
          {props.trace.outcome}
        </strong>
      </div>
      <div className="stages">
        {STAGES.map(([id, label], i) => {
          const s = byStage.get(id);
          return (
            <div key={id} className={`stage ${s ? s.status : 'missing'}`} data-testid={`stage-${id}`}>
              <div className="n">{i + 1}</div>
              <div className="t">{label}</div>
              <div className="ms">{s ? `${Math.round(s.durationMs)} ms` : '–'}</div>
              {s?.note ? <div className="note">{s.note}</div> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Live(props: { answer: RunLocallyAnswer }) {
  const { integration, loadedAt } = props.answer;
  const [traces, setTraces] = useState<TraceView[]>([]);
  const [failures, setFailures] = useState<FailureView[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const poll = () =>
      serverApi
        .activity(integration, loadedAt)
        .then((a) => {
          if (stop) return;
          setTraces(a.traces);
          setFailures(a.failures);
          setError(null);
        })
        .catch((e: Error) => !stop && setError(e.message));
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [integration, loadedAt]);
  const latest = traces.filter((t) => !QUIET_OUTCOMES.has(t.outcome)).at(-1) ?? traces.at(-1);
  const landed = traces.filter((t) => t.outcome === 'landed').length;
  return (
    <div className="live">
      <h3>
        Live trace{' '}
        <span className="muted small">
          {traces.length} record change{traces.length === 1 ? '' : 's'} since loading, {landed} landed
        </span>
      </h3>
      {latest ? (
        <Anatomy trace={latest} />
      ) : (
        <p className="muted small" data-testid="run-waiting">
          Waiting for the next record change: change a record in HubSpot or the destination and its path
          through the seven stages shows here.
        </p>
      )}
      <h3>Failures by stage</h3>
      {failures.length === 0 ? (
        <p className="muted small" data-testid="run-no-failures">
          No failures since loading.
        </p>
      ) : (
        <ul className="failures" data-testid="run-failures">
          {STAGES.map(([id, label]) => {
            const here = failures.filter((f) => (STAGE_OF_COUNTER[f.stage] ?? f.stage) === id);
            return here.length === 0 ? null : (
              <li key={id}>
                <strong>{label}</strong>
                <ul>
                  {here.slice(-5).map((f) => (
                    <li key={`${f.at}-${f.kind}-${f.recordId ?? ''}`} className="small">
                      <span className="mono">{f.kind}</span> {f.recordId ? `record ${f.recordId}: ` : ''}
                      {f.reason}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
      {error ? <p className="error-text small">{error}</p> : null}
    </div>
  );
}

export function RunPanel(props: {
  spec: StudioSpec;
  canRun: boolean;
  hasErrors: boolean;
  run: ReturnType<typeof useLocalRun>;
}) {
  const { state, run, reset } = props.run;
  const [showAll, setShowAll] = useState(false);
  if (!props.canRun)
    return (
      <div className="empty-state">
        Run locally needs the local sandbox: start the studio with <code>npm start</code>.
      </div>
    );
  return (
    <div className="run-panel" data-testid="run-panel">
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={state.phase === 'checking'}
          data-testid="run-panel-run"
          onClick={() => void run(false)}
        >
          {state.phase === 'checking' ? 'Checking…' : 'Run locally'}
        </button>
        <span className="muted small">
          {props.spec.integration.name} · checks secrets, the HubSpot app, both APIs and the subscriptions
          before it loads
        </span>
      </div>
      {props.hasErrors && state.phase === 'idle' ? (
        <p className="muted small">The spec has errors (Problems tab); Run locally will say which stop it.</p>
      ) : null}
      {state.phase === 'confirm' ? (
        <div className="banner warn" role="alertdialog" data-testid="run-confirm">
          <p>{state.message}</p>
          <button type="button" className="primary" data-testid="run-replace" onClick={() => void run(true)}>
            Replace it
          </button>{' '}
          <button type="button" onClick={reset}>
            Cancel
          </button>
        </div>
      ) : null}
      {state.phase === 'refused' ? (
        <div data-testid="run-refused">
          <p className="error-text" role="alert">
            {state.message}
          </p>
          <Checks checks={state.checks} open={showAll} />
          <button type="button" className="link" onClick={() => setShowAll((v) => !v)}>
            {showAll ? 'Show failed checks only' : `Show all ${state.checks.length} checks`}
          </button>
        </div>
      ) : null}
      {state.phase === 'error' ? (
        <p className="error-text" role="alert" data-testid="run-error">
          {state.message}
        </p>
      ) : null}
      {state.phase === 'running' ? (
        <div data-testid="run-running">
          <p className="ok-text" role="status" data-testid="run-locally-status">
            Running {state.answer.integration} locally (generation {state.answer.generation}
            {state.answer.replaced ? ', replaced the previous one' : ', beside the others'}) — all{' '}
            {state.answer.checks.length} checks passed.
          </p>
          <Checks checks={state.answer.checks} open={showAll} />
          <button type="button" className="link" onClick={() => setShowAll((v) => !v)}>
            {showAll ? 'Hide checks' : `Show the ${state.answer.checks.length} checks`}
          </button>
          <p className="small muted">
            {Object.entries(state.answer.webhooks)
              .map(([k, v]) => `${k} webhooks: ${v}`)
              .join(' · ')}
          </p>
          <Live answer={state.answer} />
        </div>
      ) : null}
    </div>
  );
}
