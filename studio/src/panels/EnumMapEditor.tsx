/**
 * The enumMap editor: the input field's options beside the target's, with fuzzy suggestions the
 * consultant confirms, coverage, and the otherwise value.
 */
import { useMemo } from 'react';
import {
  type EditValue,
  type FieldDef,
  fieldIndex,
  type MappingChange,
  type NodeLocation,
  readAt,
  schemaOf,
  sidesOf,
  suggestEnumEntries,
  type WorkspaceState,
  whyNoEnumSuggestions,
} from '../model/index.ts';

const UNSET = '__unset__';
const NULL = '__null__';

export function EnumMapEditor(props: {
  state: WorkspaceState;
  location: NodeLocation;
  dispatch: (c: MappingChange) => void;
}) {
  const { state, location, dispatch } = props;
  const value = readAt(state, location);
  const sides = sidesOf(location.direction);
  const sourceFields = fieldIndex(schemaOf(state, sides.source));
  const targetFields = fieldIndex(schemaOf(state, sides.target));
  const enumMap = value && 'enumMap' in value ? value.enumMap : null;
  const input = enumMap?.input;
  const inputField: FieldDef | undefined =
    input && 'field' in input ? sourceFields.get(input.field) : undefined;
  const targetName =
    location.owner.kind === 'mapping' && location.path.length === 0 ? location.owner.target : undefined;
  const targetField = targetName ? targetFields.get(targetName) : undefined;
  const suggestions = useMemo(
    () =>
      enumMap && inputField?.options && targetField?.options
        ? suggestEnumEntries(inputField.options, targetField.options, enumMap.map)
        : [],
    [enumMap, inputField, targetField],
  );
  if (!enumMap) return <div className="empty-state">Select an enumMap formula on the canvas to edit it.</div>;
  const suggested = new Map(suggestions.map((s) => [s.from, s.to]));
  const sourceOptions = inputField?.options ?? Object.keys(enumMap.map).map((v) => ({ value: v, label: v }));
  const targetOptions = targetField?.options;
  const mappedCount = sourceOptions.filter((o) => o.value in enumMap.map).length;
  const set = (from: string, to: string | null | undefined) =>
    dispatch({ type: 'set-enum', location, entries: { [from]: to } });
  const otherwise = enumMap.otherwise;
  const otherwiseKey = !otherwise
    ? UNSET
    : 'null' in otherwise
      ? NULL
      : 'literal' in otherwise
        ? `lit:${String(otherwise.literal)}`
        : 'other';

  return (
    <div className="enum-editor" data-testid="enum-editor">
      <h3>
        enumMap: <code>{inputField?.name ?? '(no input yet)'}</code> →{' '}
        <code>{targetName ?? '(not connected)'}</code>
      </h3>
      <p className="coverage" data-testid="enum-editor-coverage">
        {mappedCount} of {sourceOptions.length} options mapped
        {suggestions.length > 0 ? (
          <button
            type="button"
            className="small primary"
            data-testid="enum-accept-all"
            onClick={() =>
              dispatch({
                type: 'set-enum',
                location,
                entries: Object.fromEntries(suggestions.map((s) => [s.from, s.to])),
              })
            }
          >
            Accept {suggestions.length} suggestion{suggestions.length > 1 ? 's' : ''}
          </button>
        ) : null}
      </p>
      {(() => {
        const why = whyNoEnumSuggestions(inputField, targetField, enumMap.map, suggestions.length);
        return why && inputField ? (
          <p className="muted small" data-testid="enum-no-suggestions">
            {why}
          </p>
        ) : null;
      })()}
      {!inputField ? (
        <p className="muted small">Connect an option field to the enumMap's input to list its options.</p>
      ) : null}
      <table className="enum-table">
        <thead>
          <tr>
            <th>{sides.source === 'hubspot' ? 'HubSpot' : 'Destination'} option</th>
            <th>{sides.target === 'hubspot' ? 'HubSpot' : 'Destination'} option</th>
          </tr>
        </thead>
        <tbody>
          {sourceOptions.map((option) => {
            const current = enumMap.map[option.value];
            const selectValue = current === undefined ? UNSET : current === null ? NULL : current;
            const proposal = suggested.get(option.value);
            return (
              <tr key={option.value} className={current === undefined ? 'unmapped' : ''}>
                <td>
                  <div>{option.label}</div>
                  <div className="muted small">
                    {option.value}
                    {'hidden' in option && option.hidden ? <span className="flag">hidden</span> : null}
                  </div>
                </td>
                <td>
                  <select
                    aria-label={`Map ${option.value}`}
                    value={selectValue}
                    onChange={(e) =>
                      set(
                        option.value,
                        e.target.value === UNSET
                          ? undefined
                          : e.target.value === NULL
                            ? null
                            : e.target.value,
                      )
                    }
                  >
                    <option value={UNSET}>— not mapped —</option>
                    <option value={NULL}>(no value)</option>
                    {(targetOptions ?? []).map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                        {t.hidden ? ' (hidden)' : ''}
                      </option>
                    ))}
                    {current && !targetOptions?.some((t) => t.value === current) ? (
                      <option value={current}>{current}</option>
                    ) : null}
                  </select>
                  {proposal && current === undefined ? (
                    <span className="proposal">
                      suggest <code>{proposal}</code>
                      <button type="button" className="small" onClick={() => set(option.value, proposal)}>
                        ✓
                      </button>
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <label className="otherwise">
        Otherwise (an option not listed above):
        <select
          aria-label="Otherwise"
          data-testid="enum-otherwise"
          value={otherwiseKey}
          onChange={(e) => {
            const key = e.target.value;
            const next: EditValue | undefined =
              key === UNSET
                ? undefined
                : key === NULL
                  ? { null: {} }
                  : key.startsWith('lit:')
                    ? { literal: key.slice(4) }
                    : otherwise;
            dispatch({ type: 'set-otherwise', location, value: next });
          }}
        >
          <option value={UNSET}>— report an error —</option>
          <option value={NULL}>no value (null)</option>
          {(targetOptions ?? []).map((t) => (
            <option key={t.value} value={`lit:${t.value}`}>
              {t.label}
            </option>
          ))}
          {otherwiseKey === 'other' ? <option value="other">(a formula, see canvas)</option> : null}
        </select>
      </label>
    </div>
  );
}
