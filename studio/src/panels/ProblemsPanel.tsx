/** Live validation: every problem, errors first; clicking one goes to it on the canvas (and in the spec). */
import type { Problem } from '../model/index.ts';

export function ProblemsPanel(props: { problems: Problem[]; onGo: (problem: Problem) => void }) {
  const { problems, onGo } = props;
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
  );
}
