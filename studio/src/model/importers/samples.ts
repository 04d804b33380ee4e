/** Infer a destination's fields from sample records when it publishes no schema (a plain REST API). */
import type { FieldDef, FieldType, Schema } from '../types.ts';
import { ImportError } from './errors.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function typeOf(values: unknown[]): FieldType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'unknown';
  if (present.every((v) => typeof v === 'number')) return 'number';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'string' && DATE.test(v))) return 'date';
  if (present.every((v) => typeof v === 'string' && DATETIME.test(v))) return 'datetime';
  if (present.every((v) => typeof v === 'string')) return 'string';
  return 'unknown';
}

/**
 * Fields seen across the records. `enums` names fields whose allowed values are known from the
 * API's documentation (sample values alone cannot tell an enum from free text); `readOnly` lists
 * server-set fields.
 */
export function importSampleRecords(
  records: readonly Record<string, unknown>[],
  options: {
    group: string;
    source?: string;
    enums?: Record<string, string[]>;
    readOnly?: string[];
    required?: string[];
    /** Fields (and types) the API documents: present even with no sample record, typed without guessing. */
    documented?: Record<string, FieldType>;
  },
): Schema {
  const documented = options.documented ?? {};
  if (records.length === 0 && Object.keys(documented).length === 0)
    throw new ImportError('Need at least one sample record to infer fields');
  const names = [...new Set([...Object.keys(documented), ...records.flatMap((r) => Object.keys(r))])];
  const fields = names.map((name): FieldDef => {
    const values = records.map((r) => r[name]);
    const known = options.enums?.[name];
    const field: FieldDef = {
      name,
      label: name,
      type: known ? 'enum' : (documented[name] ?? typeOf(values)),
      group: options.group,
    };
    if (known) field.options = known.map((v) => ({ value: v, label: v }));
    if (options.readOnly?.includes(name)) field.readOnly = true;
    if (options.required?.includes(name)) field.required = true;
    return field;
  });
  return { side: 'destination', source: options.source ?? `Sample records › ${options.group}`, fields };
}
