/** Likely pairs for unmapped fields; each one accepted or rejected by the consultant, never applied silently. */
import type { MappingChange, Suggestion } from '../model/index.ts';

export function SuggestionsPanel(props: {
  suggestions: Suggestion[];
  ready: boolean;
  dispatch: (change: MappingChange) => void;
}) {
  const { suggestions, ready, dispatch } = props;
  if (!ready) return <div className="empty-state">Load both schemas to see suggested pairs.</div>;
  if (suggestions.length === 0)
    return <div className="empty-state">No more suggestions for this direction.</div>;
  return (
    <div>
      <p className="muted small">Pairs by label and name similarity. Accept or reject each one.</p>
      <ul className="suggestion-list" data-testid="suggestion-list">
        {suggestions.map((s) => (
          <li key={`${s.source}|${s.target}`} className="suggestion">
            <span className="pair">
              <code>{s.source}</code> → <code>{s.target}</code>
            </span>
            <span className="muted small">
              {s.score === 0 ? 'same name' : `${Math.round((1 - s.score) * 100)}% similar`}
            </span>
            <button
              type="button"
              className="small primary"
              onClick={() =>
                dispatch({
                  type: 'accept-suggestion',
                  direction: s.direction,
                  source: s.source,
                  target: s.target,
                })
              }
            >
              Accept
            </button>
            <button
              type="button"
              className="small"
              onClick={() =>
                dispatch({
                  type: 'reject-suggestion',
                  direction: s.direction,
                  source: s.source,
                  target: s.target,
                })
              }
            >
              Reject
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
