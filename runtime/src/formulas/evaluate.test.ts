import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../spec/types.ts';
import { concat, enumMap, field, literal, lowercase, nul, stripSpaces } from './builders.ts';
import { applyTransforms, evaluateValue, type OutputValue, sourceFields } from './evaluate.ts';

function run(value: Value, record: Record<string, unknown> = {}): OutputValue {
  const result = evaluateValue(value, record);
  if (!result.ok) throw new Error(`unexpected failure ${result.code}: ${result.message}`);
  return result.value;
}

describe('field and literal', () => {
  it('reads a string, number and boolean field as they are', () => {
    expect(run(field('a'), { a: 'Ann' })).toBe('Ann');
    expect(run(field('n'), { n: 42.5 })).toBe(42.5);
    expect(run(field('b'), { b: false })).toBe(false);
  });
  it('reads an empty string as an empty string', () => {
    expect(run(field('a'), { a: '' })).toBe('');
  });
  it('reads a missing or null field as null', () => {
    expect(run(field('a'), {})).toBeNull();
    expect(run(field('a'), { a: null })).toBeNull();
    expect(run(field('a'), { a: undefined })).toBeNull();
  });
  it('never reads inherited properties such as toString or __proto__', () => {
    expect(run(field('toString'), {})).toBeNull();
    expect(run(field('constructor'), {})).toBeNull();
  });
  it('refuses an object, array or non-finite number in a field', () => {
    for (const bad of [{ x: 1 }, [1], Number.NaN, Number.POSITIVE_INFINITY]) {
      const result = evaluateValue(field('a'), { a: bad });
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.code).toBe('UNSUPPORTED_VALUE');
    }
  });
  it('returns literals unchanged, Unicode included', () => {
    expect(run(literal('Zoë 🎉'))).toBe('Zoë 🎉');
    expect(run(literal(0))).toBe(0);
    expect(run(literal(true))).toBe(true);
    expect(run(literal(''))).toBe('');
  });
});

describe('null', () => {
  it('is always null, whatever the record', () => {
    expect(run(nul(), { a: 'x' })).toBeNull();
    expect(run(nul())).toBeNull();
  });
});

describe('lowercase', () => {
  it('lowercases ordinary text', () => {
    expect(run(lowercase(field('e')), { e: 'Ann.Lee@Example.COM' })).toBe('ann.lee@example.com');
  });
  it('keeps an empty string empty and null null', () => {
    expect(run(lowercase(field('e')), { e: '' })).toBe('');
    expect(run(lowercase(field('e')), { e: null })).toBeNull();
    expect(run(lowercase(field('e')), {})).toBeNull();
  });
  it('turns numbers and booleans into their String()', () => {
    expect(run(lowercase(field('n')), { n: 12.5 })).toBe('12.5');
    expect(run(lowercase(field('n')), { n: 1e21 })).toBe('1e+21');
    expect(run(lowercase(field('b')), { b: true })).toBe('true');
  });
  it('uses the locale-independent Unicode mapping', () => {
    expect(run(lowercase(literal('ÉCOLE ÅSE ÇA')))).toBe('école åse ça');
    expect(run(lowercase(literal('İSTANBUL')))).toBe('i\u0307stanbul');
    expect(run(lowercase(literal('I')))).toBe('i');
    expect(run(lowercase(literal('ΟΔΟΣ')))).toBe('οδος');
    expect(run(lowercase(literal('STRASSE ẞ')))).toBe('strasse ß');
    expect(run(lowercase(literal('ＡＢＣ')))).toBe('ａｂｃ');
  });
  it('does not normalise: a decomposed É stays decomposed', () => {
    expect(run(lowercase(literal('E\u0301')))).toBe('e\u0301');
  });
  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const once = run(lowercase(literal(s)));
        expect(run(lowercase(literal(once as string)))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});

/** Text mixing every character stripSpaces removes, the joiners it keeps, and arbitrary graphemes. */
const textWithSpaces = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...'\t\n\u000B\f\r \u0085\u00A0\u1680\u2000\u2005\u200A\u2028\u2029\u202F\u205F\u3000\u180E\u200B\u2060\uFEFF\u200C\u200D',
      ),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('stripSpaces', () => {
  it('removes ordinary spaces', () => {
    expect(run(stripSpaces(field('p')), { p: '+61 2 9876 5432' })).toBe('+61298765432');
  });
  it('removes tabs, newlines and every Unicode White_Space character', () => {
    const whiteSpace =
      '\t\n\u000B\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000';
    expect(run(stripSpaces(literal(`a${whiteSpace}b`)))).toBe('ab');
  });
  it('removes the invisible U+180E, U+200B, U+2060 and U+FEFF too', () => {
    expect(run(stripSpaces(literal('0412\u200B345\u2060678\uFEFF\u180E')))).toBe('0412345678');
  });
  it('keeps zero-width joiners, which change how text renders', () => {
    expect(run(stripSpaces(literal('👩\u200D💻 a\u200Cb')))).toBe('👩\u200D💻a\u200Cb');
  });
  it('keeps an empty string empty, and a blank one becomes empty', () => {
    expect(run(stripSpaces(literal('')))).toBe('');
    expect(run(stripSpaces(literal(' \u00A0\t')))).toBe('');
  });
  it('keeps null null', () => {
    expect(run(stripSpaces(field('p')), {})).toBeNull();
  });
  it('turns numbers and booleans into their String()', () => {
    expect(run(stripSpaces(field('n')), { n: -3.25 })).toBe('-3.25');
    expect(run(stripSpaces(literal(false)))).toBe('false');
  });
  it('leaves no whitespace and changes nothing else (property)', () => {
    fc.assert(
      fc.property(textWithSpaces, (s) => {
        const out = run(stripSpaces(literal(s))) as string;
        expect(/[\p{White_Space}\u180E\u200B\u2060\uFEFF]/u.test(out)).toBe(false);
        expect(out).toBe(
          [...s].filter((c) => !/[\p{White_Space}\u180E\u200B\u2060\uFEFF]/u.test(c)).join(''),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('concat', () => {
  const fullName = concat(field('first'), literal(' '), field('last'));
  it('joins value parts with the separator between them', () => {
    expect(run(fullName, { first: 'Ann', last: 'Lee' })).toBe('Ann Lee');
  });
  it('drops the separator when the value after it is empty, null or missing', () => {
    expect(run(fullName, { first: 'Ann', last: '' })).toBe('Ann');
    expect(run(fullName, { first: 'Ann', last: null })).toBe('Ann');
    expect(run(fullName, { first: 'Ann' })).toBe('Ann');
  });
  it('drops the separator when nothing was printed before it', () => {
    expect(run(fullName, { last: 'Lee' })).toBe('Lee');
    expect(run(fullName, { first: '', last: 'Lee' })).toBe('Lee');
  });
  it('is null when every value part is empty', () => {
    expect(run(fullName, {})).toBeNull();
    expect(run(fullName, { first: '', last: '' })).toBeNull();
    expect(run(concat(literal('('), field('x'), literal(')')), {})).toBeNull();
  });
  it('uses the separator right before the next printed value, skipping empty ones', () => {
    const address = concat(field('a'), literal(', '), field('b'), literal(' / '), field('c'));
    expect(run(address, { a: 'A', c: 'C' })).toBe('A / C');
    expect(run(address, { b: 'B', c: 'C' })).toBe('B / C');
    expect(run(address, { a: 'A', b: 'B' })).toBe('A, B');
    expect(run(address, { a: 'A', b: 'B', c: 'C' })).toBe('A, B / C');
  });
  it('prints leading and trailing literals when any value is present', () => {
    const wrapped = concat(literal('('), field('x'), literal(')'));
    expect(run(wrapped, { x: 'y' })).toBe('(y)');
    expect(run(concat(literal('Ref '), field('a'), literal('-'), field('b')), { b: '7' })).toBe('Ref 7');
  });
  it('joins adjacent literals into one run and adjacent values with no separator', () => {
    expect(run(concat(field('a'), literal('-'), literal('-'), field('b')), { a: 'x', b: 'y' })).toBe('x--y');
    expect(run(concat(field('a'), field('b')), { a: 'x', b: 'y' })).toBe('xy');
  });
  it('returns the join of the literals when there are only literals', () => {
    expect(run(concat(literal('a'), literal(1), literal(true)))).toBe('a1true');
    expect(run(concat(literal('')))).toBe('');
  });
  it('turns numbers and booleans into their String()', () => {
    expect(run(concat(field('n'), literal(' x '), field('b')), { n: 3, b: true })).toBe('3 x true');
    expect(run(concat(field('n')), { n: 0 })).toBe('0');
  });
  it('keeps Unicode as it is', () => {
    expect(run(fullName, { first: 'Zoë', last: '李 🎉' })).toBe('Zoë 李 🎉');
  });
  it('treats a formula wrapping a literal as a value part, not a separator', () => {
    expect(run(concat(field('a'), lowercase(literal('X'))), {})).toBe('x');
  });
  it('nests: an inner concat is one value part', () => {
    const inner = concat(field('a'), literal('+'), field('b'));
    expect(run(concat(inner, literal(' | '), field('c')), { b: 'B', c: 'C' })).toBe('B | C');
  });
  it('never prints a separator next to an empty part (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 4 }), { nil: null }), {
          minLength: 1,
          maxLength: 5,
        }),
        (values) => {
          const parts: Value[] = [];
          values.forEach((_, i) => {
            if (i > 0) parts.push(literal('|'));
            parts.push(field(`f${i}`));
          });
          const record = Object.fromEntries(values.map((v, i) => [`f${i}`, v?.replaceAll('|', '') ?? null]));
          const present = Object.values(record).filter((v): v is string => v !== null && v !== '');
          expect(run(concat(...parts), record)).toBe(present.length === 0 ? null : present.join('|'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('enumMap', () => {
  const stage = enumMap(field('stage'), { lead: 'PROSPECT', customer: 'CLIENT', other: null });
  it('translates a mapped value', () => {
    expect(run(stage, { stage: 'lead' })).toBe('PROSPECT');
  });
  it('maps to null when the entry says null', () => {
    expect(run(stage, { stage: 'other' })).toBeNull();
  });
  it('gives null for a null or missing input, without an error', () => {
    expect(run(stage, { stage: null })).toBeNull();
    expect(run(stage, {})).toBeNull();
  });
  it('gives null for an empty input unless "" has its own entry', () => {
    expect(run(stage, { stage: '' })).toBeNull();
    expect(run(enumMap(field('s'), { '': 'BLANK' }), { s: '' })).toBe('BLANK');
  });
  it('looks up exactly: case and spaces matter', () => {
    const result = evaluateValue(stage, { stage: 'Lead' });
    expect(result).toEqual({
      ok: false,
      code: 'ENUM_UNMAPPED',
      message:
        '"Lead" has no entry in the enumMap and there is no "otherwise"; add it to the map or give an otherwise',
      pointer: '/enumMap/input',
    });
  });
  it('uses otherwise on a miss', () => {
    expect(run(enumMap(field('s'), { a: 'A' }, literal('Z')), { s: 'b' })).toBe('Z');
    expect(run(enumMap(field('s'), { a: 'A' }, field('s')), { s: 'b' })).toBe('b');
    expect(run(enumMap(field('s'), { a: 'A' }, nul()), { s: 'b' })).toBeNull();
  });
  it('looks numbers and booleans up by their String()', () => {
    const numeric = enumMap(field('n'), { '1': 'ONE', true: 'YES', '2.5': 'TWO AND A HALF' });
    expect(run(numeric, { n: 1 })).toBe('ONE');
    expect(run(numeric, { n: true })).toBe('YES');
    expect(run(numeric, { n: 2.5 })).toBe('TWO AND A HALF');
  });
  it('matches Unicode keys exactly, without normalising', () => {
    const m = enumMap(field('s'), { Zoë: 'Z' }, literal('miss'));
    expect(run(m, { s: 'Zoë' })).toBe('Z');
    expect(run(m, { s: 'Zoe\u0308' })).toBe('miss');
  });
  it('never matches inherited keys such as toString or __proto__', () => {
    const result = evaluateValue(enumMap(field('s'), { a: 'A' }), { s: 'toString' });
    expect(result.ok).toBe(false);
    expect(evaluateValue(enumMap(field('s'), { a: 'A' }), { s: '__proto__' }).ok).toBe(false);
  });
  it('composes with other formulas as input', () => {
    expect(run(enumMap(lowercase(stripSpaces(field('s'))), { vip: 'VIP' }), { s: ' V I P ' })).toBe('VIP');
  });
});

describe('applyTransforms', () => {
  const flow = {
    mappings: [
      { target: 'email', value: lowercase(field('email')) },
      { target: 'status', value: enumMap(field('stage'), { lead: 'PROSPECT' }) },
      { target: 'name', value: concat(field('first'), literal(' '), field('last')) },
      { target: 'clear', value: nul() },
      { target: 'blob', value: field('blob') },
    ],
  };

  it('computes every mapping and accumulates per-field errors, leaving failed targets out', () => {
    const result = applyTransforms(flow, {
      email: 'A@B.CO',
      stage: 'customer',
      first: 'Ann',
      blob: { x: 1 },
    });
    expect(result.output).toEqual({ email: 'a@b.co', name: 'Ann', clear: null });
    expect(result.errors).toEqual([
      {
        target: 'status',
        code: 'ENUM_UNMAPPED',
        message:
          '"customer" has no entry in the enumMap and there is no "otherwise"; add it to the map or give an otherwise',
        pointer: '/mappings/1/value/enumMap/input',
      },
      {
        target: 'blob',
        code: 'UNSUPPORTED_VALUE',
        message: 'field "blob" holds an object; formulas take strings, finite numbers, booleans or null',
        pointer: '/mappings/4/value/field',
      },
    ]);
  });

  it('reports a malformed (unvalidated) formula as INVALID_FORMULA instead of throwing', () => {
    const bad = { mappings: [{ target: 't', value: { eval: ['1+1'] } as unknown as Value }] };
    expect(applyTransforms(bad, {})).toEqual({
      output: {},
      errors: [
        {
          target: 't',
          code: 'INVALID_FORMULA',
          message: 'unknown formula "eval"',
          pointer: '/mappings/0/value/eval',
        },
      ],
    });
  });

  it('does not modify the record', () => {
    const record = Object.freeze({ email: 'X@Y.Z' });
    expect(applyTransforms(flow, record).output.email).toBe('x@y.z');
  });

  it('never throws and only outputs scalars or null, whatever the record (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('email', 'stage', 'first', 'last', 'blob'), fc.jsonValue()),
        (record) => {
          const { output, errors } = applyTransforms(flow, record);
          for (const value of Object.values(output)) {
            expect(value === null || ['string', 'number', 'boolean'].includes(typeof value)).toBe(true);
          }
          expect(Object.keys(output).length + errors.length).toBe(flow.mappings.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sourceFields', () => {
  it('lists every field a flow reads, once, in first-use order', () => {
    const flow = {
      mappings: [
        { target: 'a', value: concat(field('first'), literal('field'), field('last')) },
        { target: 'b', value: enumMap(field('stage'), { field: 'x' }, field('first')) },
      ],
    };
    expect(sourceFields(flow)).toEqual(['first', 'last', 'stage']);
  });
});
