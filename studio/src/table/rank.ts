/** Ranking fields for a typed query in the pickers: exact, then prefix, then word prefix, then contains. */
import type { FieldDef } from '../model/index.ts';

function norm(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** 0 = best. Infinity = no match. Matches label and name; every word of the query must match. */
export function fieldRank(field: FieldDef, query: string): number {
  const q = norm(query);
  if (!q) return 10;
  const label = norm(field.label);
  const name = norm(field.name);
  const compactQ = q.replace(/ /g, '');
  const compactName = name.replace(/ /g, '');
  const compactLabel = label.replace(/ /g, '');
  if (compactName === compactQ || compactLabel === compactQ) return 0;
  if (label.startsWith(q) || name.startsWith(q) || compactName.startsWith(compactQ)) return 1;
  const words = q.split(' ');
  const haystack = `${label} ${name}`;
  const tokens = haystack.split(' ');
  if (words.every((w) => tokens.some((t) => t.startsWith(w)))) return 2;
  if (
    words.every((w) => haystack.includes(w)) ||
    compactName.includes(compactQ) ||
    compactLabel.includes(compactQ)
  )
    return 3;
  return Number.POSITIVE_INFINITY;
}

/** The fields matching `query`, best first (then shorter labels, then alphabetical). */
export function rankFields(fields: readonly FieldDef[], query: string): FieldDef[] {
  const scored: { field: FieldDef; rank: number }[] = [];
  for (const field of fields) {
    const rank = fieldRank(field, query);
    if (rank !== Number.POSITIVE_INFINITY) scored.push({ field, rank });
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.field.label.length - b.field.label.length ||
      a.field.label.localeCompare(b.field.label),
  );
  return scored.map((s) => s.field);
}
