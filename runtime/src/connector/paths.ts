/**
 * Field paths into records: `email`, `profile.first_name`, `custom_fields[name=Region].value`,
 * `entry[0].uuid`. One reader and one writer, used by the connector client (bodies, answers) and by
 * intake (webhook bodies). Browser-safe.
 */

export type PathSegment =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'match'; key: string; value: string };

const KEY = /^[A-Za-z_$@][A-Za-z0-9_$@-]*/;

/** Parses a path; throws a TypeError naming the character that is wrong. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    if (!first) {
      if (rest.startsWith('.')) rest = rest.slice(1);
      else if (!rest.startsWith('[')) throw new TypeError(`path "${path}": expected "." or "[" at "${rest}"`);
    }
    first = false;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close === -1) throw new TypeError(`path "${path}": "[" without "]"`);
      const inside = rest.slice(1, close);
      rest = rest.slice(close + 1);
      if (/^\d+$/.test(inside)) segments.push({ kind: 'index', index: Number(inside) });
      else {
        const eq = inside.indexOf('=');
        const key = inside.slice(0, eq);
        if (eq <= 0 || eq === inside.length - 1 || !KEY.test(key) || KEY.exec(key)?.[0] !== key)
          throw new TypeError(
            `path "${path}": "[${inside}]" must be an index like [0] or a match like [name=Region]`,
          );
        segments.push({ kind: 'match', key, value: inside.slice(eq + 1) });
      }
      continue;
    }
    const match = KEY.exec(rest);
    if (!match) throw new TypeError(`path "${path}": a name must start at "${rest}"`);
    segments.push({ kind: 'key', name: match[0] });
    rest = rest.slice(match[0].length);
  }
  if (segments.length === 0) throw new TypeError('a path must not be empty');
  return segments;
}

const cache = new Map<string, PathSegment[]>();
function segmentsOf(path: string): PathSegment[] {
  let found = cache.get(path);
  if (!found) {
    found = parsePath(path);
    if (cache.size < 5000) cache.set(path, found);
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined. `""` is the value itself. */
export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const segment of segmentsOf(path)) {
    if (segment.kind === 'key') current = isObject(current) ? current[segment.name] : undefined;
    else if (segment.kind === 'index') current = Array.isArray(current) ? current[segment.index] : undefined;
    else
      current = Array.isArray(current)
        ? current.find((item) => isObject(item) && String(item[segment.key]) === segment.value)
        : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Writes `value` at `path`, creating objects and matched array elements on the way:
 * `setPath(body, 'custom_fields[name=Region].value', 'APAC')` adds `{ name: 'Region', value: 'APAC' }`.
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = segmentsOf(path);
  let current: unknown = target;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    const fresh = (): unknown => (next?.kind === 'key' ? {} : []);
    if (segment.kind === 'key') {
      const object = current as Record<string, unknown>;
      if (last) object[segment.name] = value;
      else {
        const existing = object[segment.name];
        if (!(next?.kind === 'key' ? isObject(existing) : Array.isArray(existing)))
          object[segment.name] = fresh();
        current = object[segment.name];
      }
    } else if (segment.kind === 'index') {
      const array = current as unknown[];
      if (last) array[segment.index] = value;
      else {
        if (!isObject(array[segment.index]) && !Array.isArray(array[segment.index]))
          array[segment.index] = fresh();
        current = array[segment.index];
      }
    } else {
      const array = current as unknown[];
      let element = array.find((item) => isObject(item) && String(item[segment.key]) === segment.value);
      if (!element) {
        element = { [segment.key]: segment.value };
        array.push(element);
      }
      if (last) throw new TypeError(`path "${path}" ends in a match; name the member to write (…].value)`);
      current = element;
    }
  });
}

/** The first segment's name: where a path starts in the record (`profile` for `profile.first_name`). */
export function rootOf(path: string): string {
  const first = segmentsOf(path)[0];
  return first?.kind === 'key' ? first.name : '';
}

/** Whether a path is well-formed (for validation messages). */
export function pathProblem(path: string): string | undefined {
  try {
    parsePath(path);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
