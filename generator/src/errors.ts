/** The generator's error family: what went wrong and what to do, with the data a person needs. */
import { formatProblem, type SpecProblem } from '@kongo/runtime/spec';

export class GeneratorError extends Error {
  override readonly name: string = 'GeneratorError';
}

/** The spec did not validate; `problems` name each pointer, line and fix. */
export class InvalidSpecError extends GeneratorError {
  override readonly name = 'InvalidSpecError';
  readonly problems: readonly SpecProblem[];
  constructor(fileName: string, problems: readonly SpecProblem[]) {
    super(
      `${fileName} is not a valid integration spec; nothing was generated:\n${problems
        .map((problem) => `  ${formatProblem(problem, fileName)}`)
        .join('\n')}`,
    );
    this.problems = problems;
  }
}
