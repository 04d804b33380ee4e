/**
 * Likely field pairs for unmapped targets, by label and name similarity (fuse.js). Suggestions are
 * only ever shown: the consultant accepts or rejects each one.
 */
import Fuse from 'fuse.js';
import { rejectionKey } from './changes.ts';
import { directionRefusal, findPair, type PairDirection, unionDirection } from './pairs.ts';
import type { Direction, FieldDef, FieldOption, WorkspaceState } from './types.ts';
import { sidesOf } from './types.ts';
import { typeFit } from './validation.ts';
import { mappingsOf, schemaOf } from './workspace.ts';

export interface Suggestion {
  direction: Direction;
  source: string;
  target: string;
  /** 0 (certain) … 1 (no match), as fuse.js scores. */
  score: number;
  /** "likely" pairs are what "Accept all likely" takes; "possible" ones are shown for a decision. */
  confidence: 'likely' | 'possible';
  reason: string;
}

/** Lowercase letters and digits only: "First Name", "first_name" and "firstName" all become "firstname". */
export function normalizeName(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

interface Candidate {
  field: FieldDef;
  name: string;
  label: string;
}

const FUSE_OPTIONS = {
  keys: [
    { name: 'label', weight: 0.6 },
    { name: 'name', weight: 0.4 },
  ],
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.34,
};

/** How many trigram-nearest candidates fuse.js scores per target. */
const SHORTLIST = 6;

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  const padded = ` ${text} `;
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

interface SourceIndex {
  candidates: Candidate[];
  byName: Map<string, FieldDef[]>;
  byLabel: Map<string, FieldDef[]>;
  byTrigram: Map<string, number[]>;
}

const indexCache = new WeakMap<FieldDef[], SourceIndex>();

/**
 * Index the source fields once per schema: exact normalised names, and a trigram index that picks
 * a short list per target, so fuse.js scores six candidates instead of all 600+.
 */
function indexFor(fields: FieldDef[]): SourceIndex {
  let cached = indexCache.get(fields);
  if (!cached) {
    const candidates = fields.map((field) => ({
      field,
      name: normalizeName(field.name),
      label: normalizeName(field.label),
    }));
    const byName = new Map<string, FieldDef[]>();
    const byLabel = new Map<string, FieldDef[]>();
    const byTrigram = new Map<string, number[]>();
    candidates.forEach((c, i) => {
      byName.set(c.name, [...(byName.get(c.name) ?? []), c.field]);
      byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), c.field]);
      for (const gram of new Set([...trigrams(c.name), ...trigrams(c.label)])) {
        const list = byTrigram.get(gram);
        if (list) list.push(i);
        else byTrigram.set(gram, [i]);
      }
    });
    cached = { candidates, byName, byLabel, byTrigram };
    indexCache.set(fields, cached);
  }
  return cached;
}

function shortlist(index: SourceIndex, query: string, counts: Uint16Array): Candidate[] {
  counts.fill(0);
  const grams = trigrams(query);
  for (const gram of grams) for (const i of index.byTrigram.get(gram) ?? []) counts[i] = (counts[i] ?? 0) + 1;
  const floor = Math.max(2, Math.ceil(grams.size * 0.25));
  const hits: number[] = [];
  counts.forEach((count, i) => {
    if (count >= floor) hits.push(i);
  });
  hits.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0));
  return hits.slice(0, SHORTLIST).map((i) => index.candidates[i]!);
}

/**
 * Best source field for each unmapped, writable target of a direction. A source is proposed at
 * most once (to its best target); rejected pairs and type-incompatible pairs are skipped.
 */
export function suggestMappings(state: WorkspaceState, direction: Direction, limit = 50): Suggestion[] {
  const { source, target } = sidesOf(direction);
  const sourceSchema = schemaOf(state, source);
  const targetSchema = schemaOf(state, target);
  if (!sourceSchema || !targetSchema) return [];
  const mappings = mappingsOf(state.spec, direction);
  const mappedTargets = new Set(mappings.map((m) => m.target));
  const usedSources = new Set(mappings.flatMap((m) => ('field' in m.value ? [m.value.field] : [])));
  const rejected = new Set(state.rejected);
  const index = indexFor(sourceSchema.fields);
  const counts = new Uint16Array(index.candidates.length);

  const best = new Map<string, Suggestion>(); // by source field
  for (const field of targetSchema.fields) {
    if (mappedTargets.has(field.name) || field.readOnly || field.calculated) continue;
    const ok = (candidate: FieldDef) =>
      !usedSources.has(candidate.name) &&
      !rejected.has(rejectionKey(direction, candidate.name, field.name)) &&
      typeFit(candidate.type, field.type) !== 'no';
    let found: Suggestion | undefined;
    const same = [
      // Same name first, then same label, then one's name equal to the other's label.
      ...(index.byName.get(normalizeName(field.name)) ?? []),
      ...(index.byLabel.get(normalizeName(field.label)) ?? []),
      ...(index.byLabel.get(normalizeName(field.name)) ?? []),
      ...(index.byName.get(normalizeName(field.label)) ?? []),
    ];
    const exactHit = same.find(ok);
    if (exactHit)
      found = {
        direction,
        source: exactHit.name,
        target: field.name,
        score: 0,
        confidence: 'likely',
        reason: 'same name',
      };
    else {
      const query = normalizeName(field.label || field.name);
      if (query.length < 3) continue;
      const few = shortlist(index, query, counts);
      if (few.length === 0) continue;
      for (const hit of new Fuse(few, FUSE_OPTIONS).search(query, { limit: 5 })) {
        if (!ok(hit.item.field)) continue;
        found = {
          direction,
          source: hit.item.field.name,
          target: field.name,
          score: hit.score ?? 1,
          confidence: (hit.score ?? 1) < 0.1 ? 'likely' : 'possible',
          reason: 'similar label or name',
        };
        break;
      }
    }
    if (!found) continue;
    const previous = best.get(found.source);
    if (!previous || found.score < previous.score) best.set(found.source, found);
  }
  return [...best.values()]
    .sort((a, b) => a.score - b.score || a.target.localeCompare(b.target))
    .slice(0, limit);
}

export interface EnumSuggestion {
  from: string;
  to: string;
  score: number;
}

/**
 * For each source option without an entry, the target option with the most similar label (or value).
 * These are proposals for the enumMap editor; the consultant confirms them.
 */
export function suggestEnumEntries(
  sourceOptions: readonly FieldOption[],
  targetOptions: readonly FieldOption[],
  existing: Readonly<Record<string, string | null>>,
): EnumSuggestion[] {
  const candidates = targetOptions.map((o) => ({
    option: o,
    label: normalizeName(o.label),
    value: normalizeName(o.value),
  }));
  const fuse = new Fuse(candidates, {
    keys: ['label', 'value'],
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.4,
  });
  const out: EnumSuggestion[] = [];
  for (const option of sourceOptions) {
    if (option.value in existing) continue;
    const label = normalizeName(option.label);
    const value = normalizeName(option.value);
    const exact = candidates.find(
      (c) => c.label === label || c.value === value || c.label === value || c.value === label,
    );
    if (exact) {
      out.push({ from: option.value, to: exact.option.value, score: 0 });
      continue;
    }
    const hit = fuse.search(label || value, { limit: 1 })[0];
    if (hit) out.push({ from: option.value, to: hit.item.option.value, score: hit.score ?? 1 });
  }
  return out;
}

/** A likely pair for the table, both directions merged: ↔ when each direction proposes it. */
export interface PairSuggestion {
  hubspot: string;
  destination: string;
  direction: PairDirection;
  reason: string;
}

/** The pairs "Accept all likely" would add: likely suggestions of both directions, merged by field pair. */
export function likelyPairs(state: WorkspaceState): PairSuggestion[] {
  const merged = new Map<string, PairSuggestion>();
  for (const s of suggestMappings(state, 'hubspot-to-destination'))
    if (s.confidence === 'likely')
      merged.set(`${s.source}|${s.target}`, {
        hubspot: s.source,
        destination: s.target,
        direction: 'to-destination',
        reason: s.reason,
      });
  for (const s of suggestMappings(state, 'destination-to-hubspot')) {
    if (s.confidence !== 'likely') continue;
    const key = `${s.target}|${s.source}`;
    const forward = merged.get(key);
    if (forward) forward.direction = 'both';
    else
      merged.set(key, {
        hubspot: s.target,
        destination: s.source,
        direction: 'to-hubspot',
        reason: s.reason,
      });
  }
  // A suggestion that completes an existing pair must make a pair the model accepts (no ↔ for concat).
  return [...merged.values()].filter((s) => {
    const existing = findPair(state.spec, s.hubspot, s.destination);
    if (!existing) return true;
    const direction = unionDirection(existing.direction, s.direction);
    return direction !== existing.direction && !directionRefusal(state, existing, direction);
  });
}
