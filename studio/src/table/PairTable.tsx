/**
 * The field-pair table: one row per HubSpot field ↔ destination field, as HubSpot's Data Sync shows
 * it — direction, a formula per direction, and who wins a conflict. It edits the same spec as the
 * canvas, through the model's pair changes.
 */
import { useMemo, useRef, useState } from 'react';
import {
  type Direction,
  describeValue,
  directionRefusal,
  type FieldDef,
  type FieldPair,
  FORMULA_PRESETS,
  type FormulaPreset,
  fieldIndex,
  type MappingChange,
  type NodeLocation,
  PAIR_ARROWS,
  type PairDirection,
  type PairSuggestion,
  PRESET_LABELS,
  pairsOf,
  presetOf,
  type SchemaSide,
  type WorkspaceState,
} from '../model/index.ts';
import { FieldPicker } from './FieldPicker.tsx';

const H2D: Direction = 'hubspot-to-destination';
const D2H: Direction = 'destination-to-hubspot';
const DIRECTION_ORDER: PairDirection[] = ['to-destination', 'both', 'to-hubspot'];
const DIRECTION_TITLE: Record<PairDirection, string> = {
  'to-destination': 'HubSpot → destination only',
  both: 'both ways (↔): each side writes the other',
  'to-hubspot': 'destination → HubSpot only',
};

export interface PairTableProps {
  state: WorkspaceState;
  dispatch: (change: MappingChange) => void;
  likely: PairSuggestion[];
  samplesOf: (side: SchemaSide, field: string) => string[];
  samples: { loaded: boolean; loading: boolean; error: string | null; load: () => void; online: boolean };
  openEnumEditor: (location: NodeLocation) => void;
  showOnCanvas: (direction: Direction, target: string) => void;
}

function enumCoverage(value: { enumMap: { map: Record<string, string | null> } }, input?: FieldDef): string {
  const mapped = Object.keys(value.enumMap.map).length;
  return input?.options ? `${mapped} of ${input.options.length} options` : `${mapped} entries`;
}

function FormulaCell(props: {
  pair: FieldPair;
  direction: Direction;
  state: WorkspaceState;
  dispatch: (change: MappingChange) => void;
  openEnumEditor: (location: NodeLocation) => void;
  showOnCanvas: (direction: Direction, target: string) => void;
}) {
  const { pair, direction, state, dispatch, openEnumEditor, showOnCanvas } = props;
  const mapping = direction === H2D ? pair.toDestination : pair.toHubSpot;
  const arrow = direction === H2D ? '→' : '←';
  if (!mapping) return <span className="muted small">—</span>;
  const preset = presetOf(mapping.value);
  const sourceField =
    direction === H2D
      ? fieldIndex(state.hubspot).get(pair.hubspot ?? '')
      : fieldIndex(state.destination).get(pair.destination ?? '');
  const testId = `pair-formula-${direction === H2D ? 'to-destination' : 'to-hubspot'}`;
  if (preset === null)
    return (
      <span className="formula-text">
        <code title={describeValue(mapping.value)}>{describeValue(mapping.value)}</code>{' '}
        <button
          type="button"
          className="small link"
          data-testid={`${testId}-canvas`}
          onClick={() => showOnCanvas(direction, mapping.target)}
        >
          edit on canvas
        </button>
      </span>
    );
  const location: NodeLocation = { direction, owner: { kind: 'mapping', target: mapping.target }, path: [] };
  return (
    <span className="formula-cell">
      <select
        aria-label={`Formula ${arrow} for ${mapping.target}`}
        data-testid={testId}
        value={preset}
        onChange={(e) =>
          dispatch({
            type: 'set-pair-formula',
            pair: { hubspot: pair.hubspot, destination: pair.destination },
            direction,
            preset: e.target.value as FormulaPreset,
          })
        }
      >
        {FORMULA_PRESETS.filter(
          (p) => p !== 'enumMap' || sourceField?.type === 'enum' || preset === 'enumMap',
        ).map((p) => (
          <option key={p} value={p}>
            {PRESET_LABELS[p]}
          </option>
        ))}
      </select>
      {'enumMap' in mapping.value ? (
        <button
          type="button"
          className="small"
          data-testid={`${testId}-enum`}
          title="Open the enumMap editor"
          onClick={() => openEnumEditor(location)}
        >
          Edit map… ({enumCoverage(mapping.value, sourceField)})
        </button>
      ) : null}
    </span>
  );
}

function OwnerCell(props: {
  pair: FieldPair;
  state: WorkspaceState;
  dispatch: (change: MappingChange) => void;
}) {
  const { pair, state, dispatch } = props;
  const conflicts = (
    state.spec.policies as { conflicts?: { windowSeconds?: number; winner?: string } } | undefined
  )?.conflicts;
  if (pair.direction !== 'both' || !pair.hubspot)
    return (
      <span className="muted small">
        {pair.direction === 'to-destination' ? 'HubSpot writes it' : 'the destination writes it'}
      </span>
    );
  const tie = `changes within ${conflicts?.windowSeconds ?? 5} s of each other: ${conflicts?.winner === 'destination' ? 'the destination' : 'HubSpot'} wins`;
  return (
    <select
      aria-label={`Who wins a conflict on ${pair.hubspot}`}
      data-testid="pair-owner"
      title={`policies.fieldOwnership.${pair.hubspot}. Latest: the most recent change wins (${tie}).`}
      value={pair.owner && pair.owner !== 'latest' ? pair.owner : ''}
      onChange={(e) =>
        dispatch({
          type: 'set-field-owner',
          hubspot: pair.hubspot!,
          owner: e.target.value === '' ? null : (e.target.value as 'hubspot' | 'destination'),
        })
      }
    >
      <option value="">latest change wins</option>
      <option value="hubspot">HubSpot owns it</option>
      <option value="destination">destination owns it</option>
    </select>
  );
}

function DirectionButtons(props: {
  current: PairDirection | null;
  refusal: (d: PairDirection) => string | null;
  onPick: (d: PairDirection) => void;
  onRefused: (reason: string) => void;
  testId: string;
}) {
  const { current, refusal, onPick, onRefused, testId } = props;
  return (
    <span className="direction-buttons" title="Direction">
      {DIRECTION_ORDER.map((d) => {
        const reason = refusal(d);
        return (
          <button
            key={d}
            type="button"
            // Not disabled: a click on a refused direction says why, in the row.
            className={`small${current === d ? ' active' : ''}${reason ? ' refused' : ''}`}
            aria-pressed={current === d}
            data-testid={`${testId}-${d}`}
            title={reason ?? DIRECTION_TITLE[d]}
            onClick={() => (reason ? onRefused(reason) : onPick(d))}
          >
            {PAIR_ARROWS[d]}
          </button>
        );
      })}
    </span>
  );
}

export function PairTable(props: PairTableProps) {
  const { state, dispatch, likely, samplesOf, samples, openEnumEditor, showOnCanvas } = props;
  const pairs = useMemo(() => pairsOf(state.spec), [state.spec]);
  const [messages, setMessages] = useState<Record<string, string>>({});
  const [newHubSpot, setNewHubSpot] = useState<string | null>(null);
  const [newDestination, setNewDestination] = useState<string | null>(null);
  const [newDirection, setNewDirection] = useState<PairDirection>('both');
  const [newMessage, setNewMessage] = useState<string | null>(null);
  const newHubSpotInput = useRef<HTMLInputElement>(null);
  const hubspotFields = state.hubspot?.fields ?? [];
  const destinationFields = state.destination?.fields ?? [];

  const hubspotNotes = useMemo(() => {
    const notes = new Map<string, string>();
    for (const p of pairs)
      if (p.hubspot) notes.set(p.hubspot, `paired ${PAIR_ARROWS[p.direction]} ${p.destination ?? 'a value'}`);
    return notes;
  }, [pairs]);
  const destinationNotes = useMemo(() => {
    const notes = new Map<string, string>();
    for (const p of pairs)
      if (p.destination)
        notes.set(p.destination, `paired ${PAIR_ARROWS[p.direction]} ${p.hubspot ?? 'a value'}`);
    return notes;
  }, [pairs]);

  if (!state.hubspot || !state.destination)
    return (
      <div className="pair-table empty-state" data-testid="pair-table">
        Load the HubSpot properties and the destination's fields (top right) to pair them.
      </div>
    );

  const addPair = (hubspot: string | null, destination: string | null, direction: PairDirection) => {
    if (!hubspot || !destination) return;
    const candidate = { hubspot, destination };
    const reason = directionRefusal(state, candidate, direction);
    // A read-only side narrows the default instead of refusing the pair outright.
    const fallback = reason
      ? DIRECTION_ORDER.find((d) => d !== direction && !directionRefusal(state, candidate, d))
      : direction;
    if (!fallback) {
      setNewMessage(reason);
      return;
    }
    const replaced = [
      destinationNotes.get(destination) && fallback !== 'to-hubspot'
        ? `${destination} was ${destinationNotes.get(destination)}`
        : null,
      hubspotNotes.get(hubspot) && fallback !== 'to-destination'
        ? `${hubspot} was ${hubspotNotes.get(hubspot)}`
        : null,
    ].filter(Boolean);
    // As "accept" does: a pair of two option lists starts as enumMaps, for the editor to fill in.
    dispatch({ type: 'accept-pairs', pairs: [{ hubspot, destination, direction: fallback }] });
    setNewMessage(
      [
        reason ? `Added ${PAIR_ARROWS[fallback]}: ${reason}` : null,
        replaced.length ? `Replaced: ${replaced.join('; ')}` : null,
      ]
        .filter(Boolean)
        .join(' · ') || null,
    );
    setNewHubSpot(null);
    setNewDestination(null);
    newHubSpotInput.current?.focus();
  };

  const pending = likely.length;
  return (
    <div className="pair-table" data-testid="pair-table">
      <div className="pair-toolbar">
        <strong>Field pairs</strong>
        <span className="muted small">
          {pairs.length} pair{pairs.length === 1 ? '' : 's'} ·{' '}
          {pairs.filter((p) => p.direction === 'both').length} both ways
        </span>
        <button
          type="button"
          className="primary small"
          data-testid="pairs-accept-likely"
          disabled={pending === 0}
          title={likely
            .map((s) => `${s.hubspot} ${PAIR_ARROWS[s.direction]} ${s.destination}: ${s.reason}`)
            .join('\n')}
          onClick={() =>
            dispatch({
              type: 'accept-pairs',
              pairs: likely.map(({ hubspot, destination, direction }) => ({
                hubspot,
                destination,
                direction,
              })),
            })
          }
        >
          Accept all likely ({pending})
        </button>
        {samples.online ? (
          <button
            type="button"
            className="small"
            data-testid="pairs-load-samples"
            disabled={samples.loading}
            onClick={() => samples.load()}
          >
            {samples.loading
              ? 'Loading samples…'
              : samples.loaded
                ? 'Reload sample values'
                : 'Load sample values'}
          </button>
        ) : (
          <span className="muted small">Connect HubSpot to see sample values in the pickers.</span>
        )}
        {samples.error ? <span className="error-text small">{samples.error}</span> : null}
      </div>
      {pending > 0 ? (
        <p className="muted small likely-list" data-testid="pairs-likely">
          Likely:{' '}
          {likely.map((s) => (
            <span key={`${s.hubspot}|${s.destination}`} className="likely-pair" title={s.reason}>
              {s.hubspot} {PAIR_ARROWS[s.direction]} {s.destination}
            </span>
          ))}
        </p>
      ) : null}
      <table className="pairs">
        <thead>
          <tr>
            <th>HubSpot field</th>
            <th>Direction</th>
            <th>Destination field</th>
            <th>Formula →</th>
            <th>Formula ←</th>
            <th>Conflicts</th>
            <th>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair) => {
            const ref = { hubspot: pair.hubspot, destination: pair.destination };
            const message = messages[pair.id];
            const setMessage = (text: string | null) =>
              setMessages((m) => {
                const next = { ...m };
                if (text) next[pair.id] = text;
                else delete next[pair.id];
                return next;
              });
            const repoint = (hubspot: string | null, destination: string | null) => {
              if (!hubspot || !destination) return;
              const reason = directionRefusal(state, { ...pair, hubspot, destination }, pair.direction);
              if (reason) return setMessage(reason);
              setMessage(null);
              dispatch({ type: 'set-pair', hubspot, destination, direction: pair.direction, replace: ref });
            };
            return (
              <tr key={pair.id} data-testid="pair-row" data-pair={pair.id}>
                <td>
                  <FieldPicker
                    fields={hubspotFields}
                    value={pair.hubspot}
                    onPick={(name) => repoint(name, pair.destination)}
                    samplesOf={(name) => samplesOf('hubspot', name)}
                    noteOf={(name) => hubspotNotes.get(name)}
                    placeholder="HubSpot property…"
                    label={`HubSpot field of the pair with ${pair.destination ?? 'a value'}`}
                    testId="pair-hubspot"
                  />
                </td>
                <td>
                  <DirectionButtons
                    current={pair.direction}
                    testId="pair-direction"
                    refusal={(d) => (d === pair.direction ? null : directionRefusal(state, pair, d))}
                    onRefused={setMessage}
                    onPick={(d) => {
                      setMessage(null);
                      if (pair.hubspot && pair.destination)
                        dispatch({
                          type: 'set-pair',
                          hubspot: pair.hubspot,
                          destination: pair.destination,
                          direction: d,
                        });
                    }}
                  />
                </td>
                <td>
                  <FieldPicker
                    fields={destinationFields}
                    value={pair.destination}
                    onPick={(name) => repoint(pair.hubspot, name)}
                    samplesOf={(name) => samplesOf('destination', name)}
                    noteOf={(name) => destinationNotes.get(name)}
                    placeholder="Destination field…"
                    label={`Destination field of the pair with ${pair.hubspot ?? 'a value'}`}
                    testId="pair-destination"
                  />
                </td>
                <td>
                  <FormulaCell
                    pair={pair}
                    direction={H2D}
                    state={state}
                    dispatch={dispatch}
                    openEnumEditor={openEnumEditor}
                    showOnCanvas={showOnCanvas}
                  />
                </td>
                <td>
                  <FormulaCell
                    pair={pair}
                    direction={D2H}
                    state={state}
                    dispatch={dispatch}
                    openEnumEditor={openEnumEditor}
                    showOnCanvas={showOnCanvas}
                  />
                </td>
                <td>
                  <OwnerCell pair={pair} state={state} dispatch={dispatch} />
                  {message ? (
                    <div className="pair-message error-text small" role="status" data-testid="pair-message">
                      {message}
                    </div>
                  ) : null}
                </td>
                <td>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Remove the pair ${pair.hubspot ?? ''} ${PAIR_ARROWS[pair.direction]} ${pair.destination ?? ''}`}
                    data-testid="pair-remove"
                    onClick={() => dispatch({ type: 'remove-pair', pair: ref })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
          <tr className="pair-new" data-testid="pair-new">
            <td>
              <FieldPicker
                inputRef={newHubSpotInput}
                fields={hubspotFields}
                value={newHubSpot}
                onPick={(name) => {
                  setNewHubSpot(name);
                  if (newDestination) addPair(name, newDestination, newDirection);
                }}
                samplesOf={(name) => samplesOf('hubspot', name)}
                noteOf={(name) => hubspotNotes.get(name)}
                placeholder="+ HubSpot property…"
                label="New pair: HubSpot field"
                testId="pair-new-hubspot"
              />
            </td>
            <td>
              <DirectionButtons
                current={newDirection}
                testId="pair-new-direction"
                refusal={() => null}
                onRefused={() => {}}
                onPick={setNewDirection}
              />
            </td>
            <td>
              <FieldPicker
                fields={destinationFields}
                value={newDestination}
                onPick={(name) => {
                  setNewDestination(name);
                  if (newHubSpot) addPair(newHubSpot, name, newDirection);
                }}
                samplesOf={(name) => samplesOf('destination', name)}
                noteOf={(name) => destinationNotes.get(name)}
                placeholder="+ destination field…"
                label="New pair: destination field"
                testId="pair-new-destination"
              />
            </td>
            <td colSpan={4}>
              {newMessage ? (
                <span className="small" role="status" data-testid="pair-new-message">
                  {newMessage}
                </span>
              ) : (
                <span className="muted small">
                  Pick both fields to add a pair; the direction stays as set.
                </span>
              )}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
