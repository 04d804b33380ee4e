/**
 * A type-to-search field picker (a combobox, as in Zapier's and n8n's field pickers): type part of a
 * label or name, see the best matches with their type and sample values, Enter or click to pick.
 */
import { useId, useMemo, useState } from 'react';
import type { FieldDef } from '../model/index.ts';
import { rankFields } from './rank.ts';

const TYPE_BADGE: Record<FieldDef['type'], string> = {
  string: 'abc',
  number: '123',
  boolean: 'y/n',
  date: 'date',
  datetime: 'time',
  enum: 'enum',
  unknown: '?',
};

export interface FieldPickerProps {
  fields: readonly FieldDef[];
  value: string | null;
  onPick: (name: string) => void;
  /** Sample values of a field (from loaded records), shown beside each match. */
  samplesOf: (name: string) => string[];
  /** A note for fields already in use, e.g. "mapped: → firstName". */
  noteOf?: (name: string) => string | undefined;
  placeholder: string;
  testId: string;
  label: string;
  inputRef?: React.Ref<HTMLInputElement>;
}

const SHOWN = 8;

export function FieldPicker(props: FieldPickerProps) {
  const { fields, value, onPick, samplesOf, noteOf, placeholder, testId, label } = props;
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const current = value ? fields.find((f) => f.name === value) : undefined;
  const open = query !== null;
  const matches = useMemo(
    () => (open ? rankFields(fields, query ?? '').slice(0, SHOWN) : []),
    [fields, query, open],
  );

  const pick = (field: FieldDef | undefined) => {
    if (!field) return;
    setQuery(null);
    setActive(0);
    onPick(field.name);
  };

  return (
    <div className="field-picker">
      <input
        ref={props.inputRef}
        type="text"
        role="combobox"
        aria-label={label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        data-testid={testId}
        placeholder={placeholder}
        title={current ? `${current.label} (${current.name}) · ${current.type}` : placeholder}
        value={open ? (query ?? '') : current ? current.label : (value ?? '')}
        onFocus={(e) => {
          setQuery('');
          setActive(0);
          e.currentTarget.select();
        }}
        onBlur={() => setQuery(null)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            if (!open) setQuery('');
            setActive((a) => Math.min(a + 1, Math.max(0, matches.length - 1)));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            if (open && matches.length > 0) {
              e.preventDefault();
              pick(matches[Math.min(active, matches.length - 1)]);
            }
          } else if (e.key === 'Escape') {
            setQuery(null);
          }
        }}
      />
      {open ? (
        <div className="picker-list" role="listbox" id={listId} data-testid={`${testId}-options`}>
          {matches.length === 0 ? (
            <li className="muted small picker-none">No field matches “{query}”</li>
          ) : null}
          {matches.map((field, i) => {
            const samples = samplesOf(field.name);
            const note = noteOf?.(field.name);
            return (
              <div
                key={field.name}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className={`picker-option${i === active ? ' active' : ''}`}
                data-field={field.name}
                onMouseDown={(e) => {
                  e.preventDefault(); // keep focus in the input until the pick is made
                  pick(field);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className={`type-badge t-${field.type}`}>{TYPE_BADGE[field.type]}</span>
                <span className="picker-text">
                  <span className="picker-label">{field.label}</span>{' '}
                  <code className="picker-name">{field.name}</code>
                  {field.readOnly || field.calculated ? <span className="flag">read-only</span> : null}
                  {note ? <span className="picker-note"> · {note}</span> : null}
                  <span className="picker-samples muted small">
                    {samples.length > 0
                      ? `e.g. ${samples.map((s) => (s.length > 28 ? `${s.slice(0, 27)}…` : s)).join(' · ')}`
                      : field.options?.length
                        ? `options: ${field.options
                            .slice(0, 4)
                            .map((o) => o.label)
                            .join(' · ')}${field.options.length > 4 ? ' …' : ''}`
                        : 'no sample value'}
                  </span>
                </span>
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
