/** Import HubSpot's properties API response (`GET /crm/v3/properties/{object}`) or a saved snapshot of it. */
import type { FieldDef, FieldType, Schema } from '../types.ts';
import { ImportError } from './errors.ts';

interface HubSpotProperty {
  name: string;
  label?: string;
  type?: string;
  fieldType?: string;
  groupName?: string;
  description?: string;
  hidden?: boolean;
  calculated?: boolean;
  options?: { label?: string; value: string; hidden?: boolean }[];
  modificationMetadata?: { readOnlyValue?: boolean };
}

const TYPES: Record<string, FieldType> = {
  string: 'string',
  phone_number: 'string',
  number: 'number',
  bool: 'boolean',
  date: 'date',
  datetime: 'datetime',
  enumeration: 'enum',
};

function isProperty(value: unknown): value is HubSpotProperty {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

/** Accepts `{ results: [...] }` (the API's shape) or a bare array of properties. */
export function importHubSpotProperties(json: unknown, source = 'HubSpot properties'): Schema {
  const list = Array.isArray(json) ? json : (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(list))
    throw new ImportError('Expected HubSpot properties: { "results": [ { "name", "type", … } ] }');
  const fields: FieldDef[] = [];
  for (const item of list) {
    if (!isProperty(item)) throw new ImportError('Every HubSpot property needs a "name"');
    const type = TYPES[item.type ?? 'string'] ?? 'unknown';
    // HubSpot booleans are enumerations with true/false options; the studio treats them as booleans.
    const field: FieldDef = {
      name: item.name,
      label: item.label || item.name,
      type,
      group: item.groupName || 'other',
    };
    if (type === 'enum' && item.options)
      field.options = item.options.map((o) =>
        o.hidden
          ? { value: o.value, label: o.label || o.value, hidden: true }
          : { value: o.value, label: o.label || o.value },
      );
    if (item.modificationMetadata?.readOnlyValue) field.readOnly = true;
    if (item.calculated) field.calculated = true;
    if (item.description) field.description = item.description;
    fields.push(field);
  }
  return { side: 'hubspot', source, fields };
}
