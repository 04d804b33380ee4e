/**
 * A destination's fields from its catalog connector (`record.fields`): what the connector document
 * says the API has — nested paths (`profile.firstName`) and custom fields
 * (`custom_questions[title=Region].value`) included — with no call to the API.
 */
import type { FieldDef, FieldType, Schema } from '../types.ts';
import { ImportError } from './errors.ts';

/** A connector field as `@kongo/connectors` summarises it (plain data, so the browser needs no catalog code). */
export interface ConnectorField {
  path: string;
  type: string;
  label: string;
  options?: string[];
  /** Which writes may set it; empty = read-only. */
  writableOn: string[];
}

const TYPES: Record<string, FieldType> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  datetime: 'datetime',
  date: 'date',
  enum: 'enum',
};

export function importConnectorFields(connector: {
  id: string;
  name: string;
  objectType: string;
  fields: readonly ConnectorField[];
  naturalKeys?: readonly string[];
}): Schema {
  if (connector.fields.length === 0)
    throw new ImportError(`Connector ${connector.id} describes no record fields`);
  const keys = new Set(connector.naturalKeys ?? []);
  const fields = connector.fields.map(
    (f): FieldDef => ({
      name: f.path,
      label: f.label,
      type: TYPES[f.type] ?? 'unknown',
      group: connector.objectType,
      ...(f.options ? { options: f.options.map((value) => ({ value, label: value })) } : {}),
      ...(f.writableOn.length === 0 ? { readOnly: true } : {}),
      ...(keys.has(f.path) ? { required: true } : {}),
      ...(f.writableOn.length === 1 ? { description: `written on ${f.writableOn[0]} only` } : {}),
    }),
  );
  return {
    side: 'destination',
    source: `${connector.name} (catalog connector ${connector.id})`,
    fields,
  };
}
