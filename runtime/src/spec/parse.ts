/**
 * `parseSpecText`: reads integration-spec.json text into a validated spec, or problems with the
 * line and column of each (from a momoa JSON AST). Duplicate keys are found on the AST, since
 * JSON.parse silently keeps the last one. Browser-safe.
 */
import { type AnyNode, type DocumentNode, parse as parseJsonAst } from '@humanwhocodes/momoa';
import { childPointer, type SpecProblem } from './problems.ts';
import { type ValidationResult, validateSpec } from './validate.ts';

interface Position {
  line: number;
  column: number;
}

/** Pointer → where it starts in the text (a member's key, an element's value). */
type PositionIndex = Map<string, Position>;

function position(node: AnyNode): Position {
  return { line: node.loc.start.line, column: node.loc.start.column };
}

function indexPositions(document: DocumentNode, problems: SpecProblem[]): PositionIndex {
  const index: PositionIndex = new Map();
  index.set('', position(document.body));
  const visit = (node: AnyNode, pointer: string): void => {
    if (node.type === 'Object') {
      const seen = new Set<string>();
      for (const member of node.members) {
        const name = member.name.type === 'String' ? member.name.value : member.name.name;
        const at = childPointer(pointer, name);
        if (seen.has(name)) {
          const inEnumMap = /\/enumMap\/map$/.test(pointer);
          problems.push({
            pointer: at,
            line: member.name.loc.start.line,
            column: member.name.loc.start.column,
            message: inEnumMap
              ? `duplicate key "${name}" in enumMap map; JSON keeps only the last entry, so one mapping is silently lost — keep one`
              : `duplicate property "${name}"; JSON keeps only the last one — remove the other`,
          });
        }
        seen.add(name);
        index.set(at, position(member.name));
        visit(member.value, at);
      }
    } else if (node.type === 'Array') {
      node.elements.forEach((element, i) => {
        const at = childPointer(pointer, i);
        index.set(at, position(element.value));
        visit(element.value, at);
      });
    }
  };
  visit(document.body, '');
  return index;
}

/** The position of `pointer`, or of its nearest ancestor present in the text. */
function locate(index: PositionIndex, pointer: string): Position | undefined {
  let current = pointer;
  for (;;) {
    const found = index.get(current);
    if (found) return found;
    if (current === '') return undefined;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

const TOKEN_TEXT: Record<string, string> = {
  LBrace: '{',
  RBrace: '}',
  LBracket: '[',
  RBracket: ']',
  Comma: ',',
  Colon: ':',
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  Null: 'null',
};

/** Whether the text ends with a `{` or `[` still open (outside strings): a file cut short. */
function endsOpen(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return inString || depth > 0;
}

function endPosition(text: string): Position {
  const lines = text.trimEnd().split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Turns momoa's parse error into a sentence that says what to fix. */
function describeSyntaxError(source: string, reason: string, offset: number | undefined): string {
  const token = /^Unexpected token (\w+) found\.$/.exec(reason)?.[1];
  const char = /^Unexpected character '(.)' found\.$/.exec(reason)?.[1];
  const identifier = /^Unexpected identifier '(.*)' found\.$/.exec(reason)?.[1];
  const before = offset === undefined ? '' : source.slice(0, offset).trimEnd().slice(-1);
  if (token !== undefined) {
    const text = TOKEN_TEXT[token] ?? token;
    if ((text === '}' || text === ']') && before === ',')
      return `a trailing comma before "${text}" is not allowed in JSON`;
    if (
      before !== ',' &&
      before !== '[' &&
      before !== '{' &&
      before !== ':' &&
      (text === 'string' || text === '{' || text === '[')
    )
      return `unexpected ${text}; is a comma missing before it?`;
    return `unexpected "${text}"`;
  }
  if (char === "'") return 'unexpected "\'"; JSON strings use double quotes';
  if (char === '/') return 'unexpected "/"; JSON has no comments';
  if (char !== undefined) return `unexpected character "${char}"`;
  if (identifier !== undefined) return `unexpected word "${identifier}"; quote strings with double quotes`;
  return reason.replace(/\.$/, '');
}

/**
 * Parses and validates the text of an integration-spec.json. Problems carry `line`/`column`
 * (1-based) and are sorted by position. `fileName` is the source's name, for callers that report
 * it; messages don't repeat it.
 *
 * @example
 * const result = parseSpecText(await readFile(path, 'utf8'), path);
 */
export function parseSpecText(text: string, fileName: string): ValidationResult {
  void fileName;
  return parseJsonDocument(text, validateSpec, 'an integration spec (a JSON object)');
}

/**
 * Parses JSON text and validates it with `validate`, giving every problem the line and column of
 * its pointer; duplicate keys and syntax errors are reported the same way. The connector format
 * (`../connector/validate.ts`) reads its files with this too.
 */
type Checked = { ok: true } | { ok: false; problems: SpecProblem[] };

export function parseJsonDocument<R extends Checked>(
  text: string,
  validate: (json: unknown) => R,
  expected: string,
): R | { ok: false; problems: SpecProblem[] } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (source.trim() === '') {
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          line: 1,
          column: 1,
          message: `the file is empty; expected ${expected}`,
        },
      ],
    };
  }
  let document: DocumentNode;
  try {
    document = parseJsonAst(source, { mode: 'json' });
  } catch (error) {
    if (endsOpen(source)) {
      return {
        ok: false,
        problems: [
          {
            pointer: '',
            ...endPosition(source),
            message: 'not valid JSON: the file ends before every { and [ is closed; it looks truncated',
          },
        ],
      };
    }
    const located = error as { message?: unknown; line?: unknown; column?: unknown; offset?: unknown };
    const line = typeof located.line === 'number' ? located.line : 1;
    const column = typeof located.column === 'number' ? located.column : 1;
    const offset = typeof located.offset === 'number' ? located.offset : undefined;
    const reason = String(located.message ?? error).replace(/\s*\(\d+:\d+\)$/, '');
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          line,
          column,
          message: `not valid JSON: ${describeSyntaxError(source, reason, offset)}`,
        },
      ],
    };
  }
  const problems: SpecProblem[] = [];
  const index = indexPositions(document, problems);
  const json: unknown = JSON.parse(source);
  const result = validate(json);
  if (result.ok && problems.length === 0) return result;
  if (!result.ok) {
    for (const problem of result.problems) {
      const position = locate(index, problem.pointer);
      problems.push(position ? { ...problem, line: position.line, column: position.column } : problem);
    }
  }
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
  return { ok: false, problems };
}
