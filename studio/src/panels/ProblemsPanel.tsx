/** Live validation: every problem, errors first; clicking one goes to it on the canvas (and in the spec). */
import type { MappingChange, Problem, SchemaSide } from '../model/index.ts';

export function ProblemsPanel(props: {
  problems: Problem[];
  onGo: (problem: Problem) => void;
  dispatch: (change: MappingChange) => void;
}) {
  const { problems, onGo, dispatch } = props;
  const drifted = [
    ...new Set(problems.filter((p) => p.code === 'drift').map((p) => p.location.field?.side)),
  ].filter((side): side is SchemaSide => side !== undefined);
  if (problems.length === 0)
    return (
      <div className="empty-state" data-testid="problems-empty">
        <p>No problems. The mapping is ready to export.</p>
      </div>
    );
  const sorted = [...problems].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  return (
    <>
      {drifted.map((side) => (
        <div key={side} className="drift-note" data-testid={`drift-${side}`}>
          The live {side === 'hubspot' ? 'HubSpot' : 'destination'} schema differs from the one this spec was
          built against. Review the drift below, then
          <button type="button" className="small" onClick={() => dispatch({ type: 'accept-drift', side })}>
            accept the live schema
          </button>
        </div>
      ))}
      <ul className="problem-list" data-testid="problem-list">
        {sorted.map((problem) => (
          <li key={problem.id}>
            <button type="button" className={`problem ${problem.severity}`} onClick={() => onGo(problem)}>
              <span className="severity">{problem.severity === 'error' ? '●' : '▲'}</span>
              <span className="problem-text">{problem.message}</span>
              <span className="muted small">
                {problem.location.direction === 'hubspot-to-destination'
                  ? 'HubSpot → dest.'
                  : problem.location.direction === 'destination-to-hubspot'
                    ? 'dest. → HubSpot'
                    : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
