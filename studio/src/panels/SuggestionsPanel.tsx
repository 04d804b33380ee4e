/**
 * Likely and possible pairs for unmapped fields of the open direction, each with the reason it is
 * proposed. Nothing is applied silently: "Accept all likely" takes the likely ones in one action, and
 * each pair can be accepted or rejected on its own.
 */
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
  const likely = suggestions.filter((s) => s.confidence === 'likely');
  const accept = (s: Suggestion) =>
    dispatch({ type: 'accept-suggestion', direction: s.direction, source: s.source, target: s.target });
  return (
    <div>
      <p className="muted small">
        <strong>Likely</strong>: the names (or labels) mean the same. <strong>Possible</strong>: only a label
        or the spelling resembles — check before accepting.
      </p>
      {likely.length > 0 ? (
        <button
          type="button"
          className="small primary"
          data-testid="suggestions-accept-likely"
          onClick={() =>
            // One change (one undo step) for all of them.
            dispatch({
              type: 'accept-pairs',
              pairs: likely.map((s) =>
                s.direction === 'hubspot-to-destination'
                  ? { hubspot: s.source, destination: s.target, direction: 'to-destination' as const }
                  : { hubspot: s.target, destination: s.source, direction: 'to-hubspot' as const },
              ),
            })
          }
        >
          Accept all {likely.length} likely
        </button>
      ) : null}
      <ul className="suggestion-list" data-testid="suggestion-list">
        {suggestions.map((s) => (
          <li
            key={`${s.source}|${s.target}`}
            className={`suggestion ${s.confidence}`}
            data-confidence={s.confidence}
          >
            <span className="pair">
              <code>{s.source}</code> → <code>{s.target}</code>
            </span>
            <span className={`confidence ${s.confidence}`}>{s.confidence}</span>
            <span className="muted small reason">{s.reason}</span>
            <button type="button" className="small primary" onClick={() => accept(s)}>
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
