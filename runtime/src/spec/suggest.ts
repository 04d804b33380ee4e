/** "Did you mean …?" for misspelled keys, formula names and enum values. */
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input` if it is close enough to be a plausible typo: a case-only
 * difference, or an edit distance of at most a third of the word (at least 1, at most 3).
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const d = candidate.toLowerCase() === lower ? 0.5 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** `did you mean "x"?` or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
