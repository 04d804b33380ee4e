/**
 * Property definitions per object type (HubSpot-defined defaults from data/*.json plus custom ones created
 * through the API) and the value validation HubSpot applies on every write.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badRequest, errorBody, HubSpotApiError, type PropertyProblem, validationError } from './errors.ts';

export type ObjectType = 'contacts' | 'companies' | 'deals';
export const OBJECT_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'deals'];

/** Path segments HubSpot accepts for the three objects (plural name or object type id). */
const OBJECT_TYPE_ALIASES: Record<string, ObjectType> = {
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
  deals: 'deals',
  deal: 'deals',
  '0-3': 'deals',
};

export function resolveObjectType(segment: string): ObjectType | undefined {
  return OBJECT_TYPE_ALIASES[segment.toLowerCase()];
}

/** The singular name used in webhook subscription types (`contact.creation`). */
export const SINGULAR: Record<ObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  referencedObjectType?: string;
  createdAt?: string;
  updatedAt?: string;
  archived: boolean;
  archivedAt?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const defaultsCache = new Map<ObjectType, PropertyDefinition[]>();

/** The HubSpot-defined properties of a fresh portal, parsed once per process. */
export function defaultProperties(objectType: ObjectType): PropertyDefinition[] {
  let list = defaultsCache.get(objectType);
  if (!list) {
    list = JSON.parse(readFileSync(join(here, 'data', `${objectType}.json`), 'utf8')) as PropertyDefinition[];
    defaultsCache.set(objectType, list);
  }
  return list;
}

const TYPES_TO_FIELD_TYPES: Record<string, string[]> = {
  string: ['text', 'textarea', 'phonenumber', 'html', 'file', 'calculation_equation'],
  number: ['number', 'calculation_equation', 'calculation_rollup'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  phone_number: ['phonenumber'],
};

/** Custom unique-value properties HubSpot allows per object. */
const MAX_UNIQUE_PROPERTIES = 10;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class PropertyRegistry {
  /** Called after every change (the simulator's state file listens); unset without a state file. */
  onChange: (() => void) | undefined;
  #byType = new Map<ObjectType, Map<string, PropertyDefinition>>();
  /** Unique-value property names per type; rebuilt when definitions change (hot path of every write). */
  #uniqueCache = new Map<ObjectType, string[]>();

  constructor() {
    this.reset();
  }

  /** Back to the default property sets (custom properties are dropped). */
  reset(): void {
    this.#uniqueCache.clear();
    for (const type of OBJECT_TYPES) {
      const map = new Map<string, PropertyDefinition>();
      for (const p of defaultProperties(type)) map.set(p.name, p);
      this.#byType.set(type, map);
    }
    this.onChange?.();
  }

  /** Definitions that differ from a fresh portal's: custom ones, and defaults edited or archived. */
  exportChanged(): Array<[ObjectType, PropertyDefinition[]]> {
    return OBJECT_TYPES.map((type) => {
      const defaults = new Set(defaultProperties(type));
      return [type, [...this.#map(type).values()].filter((p) => !defaults.has(p))];
    });
  }

  /** Puts saved definitions (see `exportChanged`, checked by the caller) over the defaults. */
  importChanged(saved: ReadonlyArray<[ObjectType, readonly PropertyDefinition[]]>): void {
    for (const [type, definitions] of saved) {
      for (const definition of definitions) this.#map(type).set(definition.name, definition);
    }
    this.#uniqueCache.clear();
  }

  #map(type: ObjectType): Map<string, PropertyDefinition> {
    const map = this.#byType.get(type);
    if (!map) throw new Error(`no property map for ${type}`);
    return map;
  }

  list(type: ObjectType, archived = false): PropertyDefinition[] {
    return [...this.#map(type).values()].filter((p) => p.archived === archived);
  }

  get(type: ObjectType, name: string): PropertyDefinition | undefined {
    const p = this.#map(type).get(name);
    return p && !p.archived ? p : undefined;
  }

  /** Names of properties whose values are unique per record: custom `hasUniqueValue` ones, and contact email. */
  isUniqueKey(type: ObjectType, name: string): boolean {
    if (name === 'hs_object_id') return true;
    if (type === 'contacts' && name === 'email') return true;
    return this.get(type, name)?.hasUniqueValue === true;
  }

  uniqueNames(type: ObjectType): string[] {
    const cached = this.#uniqueCache.get(type);
    if (cached) return cached;
    const names = this.list(type)
      .filter((p) => p.hasUniqueValue)
      .map((p) => p.name);
    if (type === 'contacts') names.push('email');
    this.#uniqueCache.set(type, names);
    return names;
  }

  groups(type: ObjectType): Array<{ name: string; label: string; displayOrder: number; archived: boolean }> {
    const names = [...new Set(this.list(type).map((p) => p.groupName))].sort();
    return names.map((name, displayOrder) => ({
      name,
      label: name
        .replace(/information$/, ' information')
        .replace(/_/g, ' ')
        .replace(/^\w/, (c) => c.toUpperCase()),
      displayOrder,
      archived: false,
    }));
  }

  /** POST /crm/v3/properties/{type}: create a custom property. */
  create(type: ObjectType, input: Record<string, unknown>, now: Date): PropertyDefinition {
    const name = input.name;
    const label = input.label;
    const ptype = input.type;
    const fieldType = input.fieldType;
    const groupName = input.groupName;
    const missing = (['name', 'label', 'type', 'fieldType', 'groupName'] as const).filter(
      (k) => typeof input[k] !== 'string' || input[k] === '',
    );
    if (missing.length > 0 || typeof name !== 'string' || typeof label !== 'string') {
      throw badRequest(`Invalid input JSON: missing required field(s) ${missing.join(', ')}`);
    }
    if (typeof ptype !== 'string' || typeof fieldType !== 'string' || typeof groupName !== 'string') {
      throw badRequest('Invalid input JSON');
    }
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      throw badRequest(
        `Property name "${name}" must start with a lowercase letter and hold only a-z, 0-9 and _`,
      );
    }
    if (this.#map(type).has(name)) {
      throw new HubSpotApiError(409, {
        ...errorBody('OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`),
      });
    }
    const allowed = TYPES_TO_FIELD_TYPES[ptype];
    if (!allowed) throw badRequest(`Unknown property type '${ptype}'`);
    if (!allowed.includes(fieldType)) {
      throw badRequest(`Property type '${ptype}' is not compatible with field type '${fieldType}'`);
    }
    const hasUniqueValue = input.hasUniqueValue === true;
    if (hasUniqueValue && this.list(type).filter((p) => p.hasUniqueValue).length >= MAX_UNIQUE_PROPERTIES) {
      throw badRequest(`At most ${MAX_UNIQUE_PROPERTIES} unique value properties are allowed per object`);
    }
    const rawOptions = Array.isArray(input.options) ? input.options : [];
    if (ptype === 'enumeration' && rawOptions.length === 0 && fieldType !== 'booleancheckbox') {
      throw badRequest('Enumeration properties need at least one option');
    }
    const options: PropertyOption[] = rawOptions.map((o: unknown, i) => {
      const option = (o ?? {}) as Record<string, unknown>;
      if (typeof option.value !== 'string' || typeof option.label !== 'string') {
        throw badRequest('Each option needs a string label and value');
      }
      return {
        label: option.label,
        value: option.value,
        displayOrder: typeof option.displayOrder === 'number' ? option.displayOrder : i,
        hidden: option.hidden === true,
        ...(typeof option.description === 'string' ? { description: option.description } : {}),
      };
    });
    const stamp = now.toISOString();
    const definition: PropertyDefinition = {
      name,
      label,
      type: ptype,
      fieldType,
      description: typeof input.description === 'string' ? input.description : '',
      groupName,
      options,
      displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : -1,
      calculated: false,
      externalOptions: false,
      hasUniqueValue,
      hidden: input.hidden === true,
      formField: input.formField === true,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdAt: stamp,
      updatedAt: stamp,
      archived: false,
    };
    this.#map(type).set(name, definition);
    this.#uniqueCache.delete(type);
    this.onChange?.();
    return definition;
  }

  /** PATCH /crm/v3/properties/{type}/{name}: label, description, options, hidden, displayOrder. */
  update(type: ObjectType, name: string, input: Record<string, unknown>, now: Date): PropertyDefinition {
    const existing = this.get(type, name);
    if (!existing) throw propertyNotFound(name, type);
    if (existing.modificationMetadata.readOnlyDefinition && input.options !== undefined) {
      throw badRequest(`The options of HubSpot-defined property '${name}' can't be changed`);
    }
    const updated: PropertyDefinition = { ...existing, updatedAt: now.toISOString() };
    if (typeof input.label === 'string') updated.label = input.label;
    if (typeof input.description === 'string') updated.description = input.description;
    if (typeof input.hidden === 'boolean') updated.hidden = input.hidden;
    if (typeof input.displayOrder === 'number') updated.displayOrder = input.displayOrder;
    if (Array.isArray(input.options)) {
      updated.options = input.options.map((o: unknown, i) => {
        const option = (o ?? {}) as Record<string, unknown>;
        return {
          label: String(option.label ?? option.value ?? ''),
          value: String(option.value ?? ''),
          displayOrder: typeof option.displayOrder === 'number' ? option.displayOrder : i,
          hidden: option.hidden === true,
        };
      });
    }
    this.#map(type).set(name, updated);
    this.#uniqueCache.delete(type);
    this.onChange?.();
    return updated;
  }

  archive(type: ObjectType, name: string, now: Date): void {
    const existing = this.get(type, name);
    if (!existing) throw propertyNotFound(name, type);
    if (!existing.modificationMetadata.archivable) {
      throw badRequest(`HubSpot-defined property '${name}' can't be archived`);
    }
    this.#map(type).set(name, { ...existing, archived: true, archivedAt: now.toISOString() });
    this.#uniqueCache.delete(type);
    this.onChange?.();
  }

  /**
   * Validates and normalises the values of one write. Throws 400 VALIDATION_ERROR listing every problem
   * (unknown, read-only, invalid option, bad number/date/bool/email): HubSpot rejects the whole write.
   */
  normalise(type: ObjectType, properties: Record<string, unknown>): Record<string, string> {
    const problems: PropertyProblem[] = [];
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(properties)) {
      const def = this.get(type, name);
      if (!def) {
        problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (def.modificationMetadata.readOnlyValue) {
        problems.push({
          name,
          code: 'READ_ONLY_VALUE',
          message: `"${name}" is a read only property; its value cannot be set.`,
        });
        continue;
      }
      if (raw === null || raw === undefined) {
        out[name] = '';
        continue;
      }
      const value = typeof raw === 'string' ? raw : String(raw);
      // "" clears the property whatever its type.
      if (value === '') {
        out[name] = '';
        continue;
      }
      const problem = checkValue(type, def, value);
      if (typeof problem === 'string') out[name] = problem;
      else problems.push(problem);
    }
    if (problems.length > 0) {
      throw validationError(problems);
    }
    return out;
  }
}

export function propertyNotFound(name: string, type: ObjectType): HubSpotApiError {
  return new HubSpotApiError(404, {
    ...errorBody('OBJECT_NOT_FOUND', `Unable to find property ${name} on object type ${type}`),
  });
}

/** Returns the normalised value, or the problem. */
function checkValue(type: ObjectType, def: PropertyDefinition, value: string): string | PropertyProblem {
  const name = def.name;
  switch (def.type) {
    case 'number': {
      const v = value.trim();
      if (!NUMBER.test(v))
        return { name, code: 'INVALID_DOUBLE', message: `${value} was not a valid number.` };
      return v;
    }
    case 'bool': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') {
        return {
          name,
          code: 'INVALID_BOOLEAN',
          message: `${value} was not a valid boolean (true or false).`,
        };
      }
      return v;
    }
    case 'date': {
      const ms = parseTime(value);
      if (ms === undefined) return { name, code: 'INVALID_DATE', message: `${value} was not a valid date.` };
      const d = new Date(ms);
      if (
        d.getUTCHours() !== 0 ||
        d.getUTCMinutes() !== 0 ||
        d.getUTCSeconds() !== 0 ||
        d.getUTCMilliseconds() !== 0
      ) {
        return {
          name,
          code: 'INVALID_DATE',
          message: `${value} is at ${d.toISOString()}; date properties take midnight UTC.`,
        };
      }
      return d.toISOString().slice(0, 10);
    }
    case 'datetime': {
      const ms = parseTime(value);
      if (ms === undefined)
        return { name, code: 'INVALID_DATE', message: `${value} was not a valid datetime.` };
      return new Date(ms).toISOString();
    }
    case 'enumeration': {
      if (def.externalOptions) {
        // Owner / team ids: HubSpot checks them against its users; the simulator only checks their shape.
        const bad = value.split(';').find((v) => !/^\d+$/.test(v));
        if (bad !== undefined) return { name, code: 'INVALID_OPTION', message: `${bad} is not a valid id.` };
        return value;
      }
      if (def.options.length === 0) return value; // option list not in the data source: accept any value
      const allowed = new Set(def.options.map((o) => o.value));
      const values = def.fieldType === 'checkbox' ? value.split(';') : [value];
      const invalid = values.filter((v) => !allowed.has(v));
      if (invalid.length > 0) {
        return {
          name,
          code: 'INVALID_OPTION',
          message: `${invalid.join(';')} was not one of the allowed options: [${def.options.map((o) => o.value).join(', ')}]`,
        };
      }
      return value;
    }
    default: {
      if (type === 'contacts' && name === 'email') {
        const v = value.trim().toLowerCase();
        if (!EMAIL.test(v))
          return { name, code: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
        return v;
      }
      return value;
    }
  }
}

/** Epoch milliseconds from an epoch-ms string, an ISO date-time or YYYY-MM-DD. */
export function parseTime(value: string): number | undefined {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (ISO_DATE.test(value)) return Date.parse(`${value}T00:00:00.000Z`);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
