/** What is wrong with a spec, where: the shape every validator, the CLI and the studio report. */

/**
 * One problem in a spec. `pointer` is an RFC 6901 JSON pointer ("" is the whole document);
 * `line`/`column` (1-based) are present when the spec came from text (`parseSpecText`).
 * `message` says what is wrong and what to do; `hint` is a short "did you mean …?".
 */
export interface SpecProblem {
  pointer: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

/** Thrown by `assertValidSpec` for callers (generator, runtime) that cannot go on with a bad spec. */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[], options?: { cause?: unknown; source?: string }) {
    const where = options?.source ? `${options.source}: ` : '';
    const first = problems[0];
    const summary = first ? `${first.pointer || '(root)'} ${first.message}` : 'invalid spec';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(
      `${where}invalid integration spec: ${summary}${more}`,
      options?.cause ? { cause: options.cause } : {},
    );
    this.problems = problems;
  }
}

/** Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Joins a parent pointer and a segment. */
export function childPointer(parent: string, segment: string | number): string {
  return `${parent}/${pointerSegment(segment)}`;
}

/**
 * One line per problem, as the CLI prints it: `file:line:col pointer message (hint)`.
 * The root pointer "" is left out (`file:1:1 the file is empty; …`).
 */
export function formatProblem(problem: SpecProblem, fileName?: string): string {
  const location =
    fileName === undefined
      ? ''
      : problem.line === undefined
        ? `${fileName}: `
        : `${fileName}:${problem.line}:${problem.column ?? 1} `;
  const hint = problem.hint ? ` (${problem.hint})` : '';
  return `${location}${problem.pointer ? `${problem.pointer} ` : ''}${problem.message}${hint}`;
}
