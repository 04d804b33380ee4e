/**
 * Likely field pairs for unmapped targets, by label and name similarity (fuse.js). Suggestions are
 * only ever shown: the consultant accepts or rejects each one.
 */
import Fuse from 'fuse.js';
import { rejectionKey } from './changes.ts';
import { findPair, type PairDirection } from './pairs.ts';
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
 * Words that mean the same in field names, folded to one (documented in docs/STUDIO.md, "Suggestions").
 * Generic CRM vocabulary, not tuned per schema.
 */
const SYNONYMS: Record<string, string> = {
  org: 'company',
  organization: 'company',
  organisation: 'company',
  business: 'company',
  cell: 'mobile',
  cellphone: 'mobile',
  telephone: 'phone',
  tel: 'phone',
  postcode: 'zip',
  postal: 'zip',
  zipcode: 'zip',
  no: 'number',
  num: 'number',
  nbr: 'number',
  prefix: 'salutation',
  surname: 'last',
  given: 'first',
  mail: 'email',
  value: 'amount',
  title: 'name',
  notes: 'description',
  note: 'description',
  status: 'stage',
  region: 'state',
  province: 'state',
  url: 'website',
};
/** Words that carry no meaning in a field name. */
const STOP = new Set(['of', 'the', 'a', 'an', 'hs', 'code', 'number', 'name', 'address', 'at', 'on']);
/** Kept even though they are in STOP when they are the whole name ("name", "address", "number"). */

function words(text: string): string[] {
  const last = text.split('.').pop() ?? text; // profile.firstName → firstName
  return last
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The meaning of a name or label as a canonical key: words, synonyms folded, the object's own noun
 * ("Deal Stage" on deals → "stage", job_description on jobs → "description") and filler words dropped.
 */
export function meaningKey(text: string, objectNouns: readonly string[] = []): string {
  const raw = words(text).filter((w) => !objectNouns.includes(w));
  const canonical = raw.map((w) => SYNONYMS[w] ?? w);
  const meaningful = canonical.filter((w) => !STOP.has(w));
  // "Company Name" → company; "Street Address" → street; a lone "name" or "address" stays.
  return (meaningful.length > 0 ? meaningful : canonical).join(' ');
}

/** The same key without spaces: HubSpot's compound names (dealname, jobtitle, numemployees) compare to it. */
function compact(text: string): string {
  return text.replace(/ /g, '');
}

function nounsOf(objectType: string | undefined): string[] {
  if (!objectType) return [];
  const lower = objectType.toLowerCase();
  const singular = lower.endsWith('ies') ? `${lower.slice(0, -3)}y` : lower.replace(/s$/, '');
  return [lower, singular];
}

interface Meaning {
  field: FieldDef;
  name: string;
  label: string;
  /** Compact forms of name and label, including the raw compound name (dealname → "dealname"). */
  compactName: string;
  compactLabel: string;
  rawCompact: string;
  /** Computed once: the forms a match can go through (names, labels), and the name forms alone. */
  keys: Set<string>;
  names: Set<string>;
}

function meaningOf(field: FieldDef, nouns: readonly string[]): Meaning {
  const name = meaningKey(field.name, nouns);
  const label = meaningKey(field.label || field.name, nouns);
  let rawCompact = normalizeName(field.name.split('.').pop() ?? field.name).replace(/^hs/, '');
  for (const noun of nouns)
    if (rawCompact.startsWith(noun) && rawCompact.length > noun.length)
      rawCompact = rawCompact.slice(noun.length);
  const compactName = compact(name);
  const compactLabel = compact(label);
  return {
    field,
    name,
    label,
    compactName,
    compactLabel,
    rawCompact,
    keys: new Set([compactName, compactLabel, rawCompact].filter((k) => k.length >= 2)),
    names: new Set([compactName, rawCompact]),
  };
}

/**
 * How a source and a target mean the same: a reason and a score (0 best), or null.
 * Likely only when the names agree, or the labels agree and neither name says more than its label
 * (HubSpot's hs_content_membership_status is labelled just "Status": a label-only match with a
 * narrower name is shown as possible, not likely).
 */
function agreement(
  source: Meaning,
  target: Meaning,
): { score: number; confidence: 'likely' | 'possible'; reason: string } | null {
  let nameMatch = false;
  for (const k of source.names) if (target.names.has(k)) nameMatch = true;
  if (nameMatch) {
    const exact = normalizeName(source.field.name) === normalizeName(target.field.name);
    return {
      score: exact ? 0 : 0.05,
      confidence: 'likely',
      reason: exact ? 'same name' : 'same meaning by name',
    };
  }
  const shared = [...source.keys].find((k) => target.keys.has(k));
  if (!shared) return null;
  // Matched through a label: likely only when each side's name says nothing more than the match.
  const saysMore = (m: Meaning) =>
    !m.names.has(shared) && !m.rawCompact.endsWith(shared) && !shared.endsWith(m.rawCompact);
  if (saysMore(source) || saysMore(target)) {
    const narrower = saysMore(source) ? source.field : target.field;
    return {
      score: 0.3,
      confidence: 'possible',
      reason: `label “${narrower.label}” matches, but ${narrower.name} names something narrower`,
    };
  }
  return {
    score: 0.1,
    confidence: 'likely',
    reason: `label “${source.field.label}” means ${target.field.name}`,
  };
}

interface MeaningIndex {
  meanings: Meaning[];
  byKey: Map<string, Meaning[]>;
}
const meaningCache = new WeakMap<FieldDef[], Map<string, MeaningIndex>>();

function meaningIndex(fields: FieldDef[], nouns: readonly string[]): MeaningIndex {
  let perNouns = meaningCache.get(fields);
  if (!perNouns) {
    perNouns = new Map();
    meaningCache.set(fields, perNouns);
  }
  const cacheKey = nouns.join(',');
  let index = perNouns.get(cacheKey);
  if (!index) {
    const meanings = fields.map((f) => meaningOf(f, nouns));
    const byKey = new Map<string, Meaning[]>();
    for (const m of meanings)
      for (const k of m.keys) {
        const list = byKey.get(k);
        if (list) list.push(m);
        else byKey.set(k, [m]);
      }
    index = { meanings, byKey };
    perNouns.set(cacheKey, index);
  }
  return index;
}

/**
 * The best source field for each unmapped, writable target of a direction, with an honest
 * confidence: "likely" when names (or labels, with nothing narrower in the name) mean the same after
 * folding synonyms and the object's own noun; "possible" for a label-only or spelling-only
 * resemblance. A source is proposed at most once (to its best target); rejected and
 * type-incompatible pairs are skipped.
 */
export function suggestMappings(state: WorkspaceState, direction: Direction, limit = 50): Suggestion[] {
  const { source, target } = sidesOf(direction);
  const sourceSchema = schemaOf(state, source);
  const targetSchema = schemaOf(state, target);
  if (!sourceSchema || !targetSchema) return [];
  const hubspotNouns = nounsOf(state.spec.hubspot?.objectType);
  const destinationNouns = nounsOf(state.spec.destination?.objectType);
  const sourceNouns = source === 'hubspot' ? hubspotNouns : destinationNouns;
  const targetNouns = target === 'hubspot' ? hubspotNouns : destinationNouns;
  const mappings = mappingsOf(state.spec, direction);
  const mappedTargets = new Set(mappings.map((m) => m.target));
  const usedSources = new Set(mappings.flatMap((m) => ('field' in m.value ? [m.value.field] : [])));
  const rejected = new Set(state.rejected);
  const sources = meaningIndex(sourceSchema.fields, sourceNouns);
  const index = indexFor(sourceSchema.fields);
  const counts = new Uint16Array(index.candidates.length);

  const best = new Map<string, Suggestion>(); // by source field
  for (const field of targetSchema.fields) {
    if (mappedTargets.has(field.name) || field.readOnly || field.calculated) continue;
    const ok = (candidate: FieldDef) =>
      !usedSources.has(candidate.name) &&
      !rejected.has(rejectionKey(direction, candidate.name, field.name)) &&
      typeFit(candidate.type, field.type) !== 'no';
    const meaning = meaningOf(field, targetNouns);
    let found: Suggestion | undefined;
    const candidates = new Set<Meaning>();
    for (const k of meaning.keys) for (const m of sources.byKey.get(k) ?? []) candidates.add(m);
    for (const candidate of candidates) {
      if (!ok(candidate.field)) continue;
      const agreed = agreement(candidate, meaning);
      if (!agreed) continue;
      if (!found || agreed.score < found.score)
        found = { direction, source: candidate.field.name, target: field.name, ...agreed };
    }
    if (!found) {
      // Spelling alone: shown as possible, never likely.
      const query = normalizeName(field.label || field.name);
      if (query.length >= 3) {
        const few = shortlist(index, query, counts);
        for (const hit of few.length ? new Fuse(few, FUSE_OPTIONS).search(query, { limit: 5 }) : []) {
          if (!ok(hit.item.field)) continue;
          found = {
            direction,
            source: hit.item.field.name,
            target: field.name,
            score: 0.5 + (hit.score ?? 0.5) / 2,
            confidence: 'possible',
            reason: 'similar spelling only',
          };
          break;
        }
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
  // Only new pairs: a pair that exists one way was made (or narrowed) that way on purpose, and
  // proposing its other direction again would undo the consultant's choice.
  return [...merged.values()].filter((s) => !findPair(state.spec, s.hubspot, s.destination));
}

/**
 * Why the enumMap editor has no suggestion to offer, in words, or null when it has some (or needs
 * none). Shown in place of silence: "0 suggestions" alone reads like a bug.
 */
export function whyNoEnumSuggestions(
  input: FieldDef | undefined,
  target: FieldDef | undefined,
  existing: Readonly<Record<string, string | null>>,
  suggestions: number,
): string | null {
  if (suggestions > 0) return null;
  if (!input) return 'No suggestions: nothing is wired into the enumMap’s input yet.';
  if (!input.options?.length)
    return `No suggestions: ${input.label} (${input.name}) has no option list to translate — it is a ${input.type} field.`;
  if (!target) return 'No suggestions: the enumMap does not write a known field yet.';
  if (!target.options?.length)
    return `No suggestions: ${target.label} (${target.name}) has no option list, so there is nothing to match against; type each value by hand.`;
  const open = input.options.filter((o) => !(o.value in existing));
  if (open.length === 0) return 'No suggestions needed: every option already has an entry.';
  const few = (options: readonly FieldOption[]) =>
    `${options
      .slice(0, 3)
      .map((o) => o.label)
      .join(', ')}${options.length > 3 ? '…' : ''}`;
  return `No suggestions: none of ${input.label}’s ${open.length} unmapped options (${few(open)}) resembles an option of ${target.label} (${few(target.options)}) by label or value — they may describe different things. Pick each one, or set “otherwise”.`;
}
