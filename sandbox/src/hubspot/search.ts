/**
 * POST /crm/v3/objects/{type}/search: filterGroups (OR of ANDs), one sort, limit ≤ 200, `after` offsets and
 * the 10,000-result cap — over what the (lagging) index shows.
 */

import type { Crm, CrmRecord, PublicObject } from './crm.ts';
import { badRequest } from './errors.ts';
import { type ObjectType, type PropertyDefinition, parseTime } from './properties.ts';

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;
const MAX_FILTER_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 6;
const MAX_FILTERS = 18;

const OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]);

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
  highValue?: string;
}

export interface SearchResponse {
  total: number;
  results: PublicObject[];
  paging?: { next: { after: string; link?: string } };
}

function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

function parseFilters(body: Record<string, unknown>): Filter[][] {
  const groups = Array.isArray(body.filterGroups) ? body.filterGroups : [];
  if (groups.length > MAX_FILTER_GROUPS)
    throw badRequest(`Too many filter groups: at most ${MAX_FILTER_GROUPS}`);
  let total = 0;
  const parsed = groups.map((g: unknown) => {
    const filters = Array.isArray((g as Record<string, unknown>)?.filters)
      ? ((g as Record<string, unknown>).filters as unknown[])
      : [];
    if (filters.length > MAX_FILTERS_PER_GROUP) {
      throw badRequest(`Too many filters in a group: at most ${MAX_FILTERS_PER_GROUP}`);
    }
    total += filters.length;
    return filters.map((f: unknown): Filter => {
      const raw = (f ?? {}) as Record<string, unknown>;
      const propertyName = asString(raw.propertyName);
      const operator = asString(raw.operator) ?? 'EQ';
      if (!propertyName) throw badRequest('A filter needs a propertyName');
      if (!OPERATORS.has(operator)) throw badRequest(`Unknown filter operator ${operator}`);
      const filter: Filter = { propertyName, operator };
      const value = asString(raw.value);
      if (value !== undefined) filter.value = value;
      const highValue = asString(raw.highValue);
      if (highValue !== undefined) filter.highValue = highValue;
      if (Array.isArray(raw.values)) filter.values = raw.values.map((v) => String(v));
      return filter;
    });
  });
  if (total > MAX_FILTERS) throw badRequest(`Too many filters: at most ${MAX_FILTERS} in all`);
  return parsed;
}

type Comparable = number | string;

function comparable(def: PropertyDefinition | undefined, value: string): Comparable {
  if (!def) return value.toLowerCase();
  if (def.type === 'number') {
    const n = Number(value);
    return Number.isNaN(n) ? value : n;
  }
  if (def.type === 'date' || def.type === 'datetime') return parseTime(value) ?? value;
  return value.toLowerCase();
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function tokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^a-z0-9@._+-]+/)
    .flatMap((t) => [t, ...t.split(/[@.]/)])
    .filter(Boolean);
}

function matchesToken(stored: string, wanted: string): boolean {
  const w = wanted.toLowerCase();
  if (w.includes('*')) {
    const pattern = new RegExp(`^${w.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return pattern.test(stored.toLowerCase()) || tokens(stored).some((t) => pattern.test(t));
  }
  return tokens(stored).includes(w);
}

function matches(
  filter: Filter,
  props: Record<string, string>,
  def: PropertyDefinition | undefined,
): boolean {
  const stored = props[filter.propertyName];
  const has = stored !== undefined && stored !== '';
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'NEQ':
      return (
        !has ||
        filter.value === undefined ||
        compare(comparable(def, stored), comparable(def, filter.value)) !== 0
      );
    case 'NOT_IN':
      return (
        !has || !(filter.values ?? []).some((v) => compare(comparable(def, stored), comparable(def, v)) === 0)
      );
    case 'NOT_CONTAINS_TOKEN':
      return !has || filter.value === undefined || !matchesToken(stored, filter.value);
    default:
      break;
  }
  if (!has) return false;
  const left = comparable(def, stored);
  const value = filter.value;
  switch (filter.operator) {
    case 'EQ':
      if (def?.fieldType === 'checkbox' && value !== undefined) return stored.split(';').includes(value);
      return value !== undefined && compare(left, comparable(def, value)) === 0;
    case 'LT':
      return value !== undefined && compare(left, comparable(def, value)) < 0;
    case 'LTE':
      return value !== undefined && compare(left, comparable(def, value)) <= 0;
    case 'GT':
      return value !== undefined && compare(left, comparable(def, value)) > 0;
    case 'GTE':
      return value !== undefined && compare(left, comparable(def, value)) >= 0;
    case 'BETWEEN':
      return (
        value !== undefined &&
        filter.highValue !== undefined &&
        compare(left, comparable(def, value)) >= 0 &&
        compare(left, comparable(def, filter.highValue)) <= 0
      );
    case 'IN':
      return (filter.values ?? []).some((v) => compare(left, comparable(def, v)) === 0);
    case 'CONTAINS_TOKEN':
      return value !== undefined && matchesToken(stored, value);
    default:
      return false;
  }
}

function parseSort(body: Record<string, unknown>): { propertyName: string; descending: boolean } | undefined {
  const sorts = Array.isArray(body.sorts) ? body.sorts : [];
  if (sorts.length === 0) return undefined;
  if (sorts.length > 1) throw badRequest('Only one sort is supported per search request');
  const sort = sorts[0];
  if (typeof sort === 'string') {
    // Older clients send "-createdate" or "createdate".
    return sort.startsWith('-')
      ? { propertyName: sort.slice(1), descending: true }
      : { propertyName: sort, descending: false };
  }
  const raw = (sort ?? {}) as Record<string, unknown>;
  const propertyName = asString(raw.propertyName);
  if (!propertyName) throw badRequest('A sort needs a propertyName');
  return { propertyName, descending: asString(raw.direction) === 'DESCENDING' };
}

/** Runs a search request against what the index shows at `now`. */
export function search(
  crm: Crm,
  type: ObjectType,
  body: Record<string, unknown>,
  now: number,
): SearchResponse {
  const limitRaw = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limitRaw) || limitRaw < 0 || limitRaw > SEARCH_MAX_LIMIT) {
    throw badRequest(`limit must be between 0 and ${SEARCH_MAX_LIMIT}`);
  }
  const after = body.after === undefined || body.after === null || body.after === '' ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) throw badRequest(`Invalid after value: ${String(body.after)}`);
  if (after >= SEARCH_RESULT_CAP) {
    throw badRequest(
      `Request exceeds the maximum of ${SEARCH_RESULT_CAP} results per query (after=${after}); narrow the filters instead of paging further`,
    );
  }
  const groups = parseFilters(body);
  const sort = parseSort(body);
  const query = asString(body.query)?.toLowerCase();
  const defs = new Map<string, PropertyDefinition | undefined>();
  const defOf = (name: string) => {
    if (!defs.has(name)) defs.set(name, crm.properties.get(type, name));
    return defs.get(name);
  };
  for (const group of groups) for (const f of group) defOf(f.propertyName);

  const hits: Array<{ record: CrmRecord; view: Record<string, string> }> = [];
  for (const record of crm.records(type).values()) {
    const view = crm.searchView(record, now);
    if (!view) continue;
    if (groups.length > 0 && !groups.some((g) => g.every((f) => matches(f, view, defOf(f.propertyName)))))
      continue;
    if (query && !Object.values(view).some((v) => v.toLowerCase().includes(query))) continue;
    hits.push({ record, view });
  }
  const idOrder = (a: CrmRecord, b: CrmRecord) => Number(a.id) - Number(b.id);
  if (sort) {
    const def = defOf(sort.propertyName);
    const dir = sort.descending ? -1 : 1;
    hits.sort((a, b) => {
      const av = a.view[sort.propertyName];
      const bv = b.view[sort.propertyName];
      // Records without the property sort last either way.
      if (av === undefined || bv === undefined) {
        if (av === bv) return idOrder(a.record, b.record);
        return av === undefined ? 1 : -1;
      }
      const c = compare(comparable(def, av), comparable(def, bv));
      return c !== 0 ? c * dir : idOrder(a.record, b.record);
    });
  } else {
    hits.sort((a, b) => idOrder(a.record, b.record));
  }
  const names = Array.isArray(body.properties) ? body.properties.map((p) => String(p)) : undefined;
  const end = Math.min(after + limitRaw, SEARCH_RESULT_CAP);
  const page = hits.slice(after, end);
  const results = page.map(({ record, view }) =>
    crm.toPublic(type, { ...record, props: view }, names && names.length > 0 ? names : undefined),
  );
  const response: SearchResponse = { total: hits.length, results };
  const next = end;
  if (next < hits.length && next < SEARCH_RESULT_CAP) response.paging = { next: { after: String(next) } };
  return response;
}
