import { describe, expect, it } from 'vitest';
import { concat, enumMap, field, literal, lowercase, nul, stripSpaces } from './builders.ts';

describe('builders', () => {
  it('produce the spec JSON exactly', () => {
    expect(field('email')).toEqual({ field: 'email' });
    expect(literal(' ')).toEqual({ literal: ' ' });
    expect(literal(3)).toEqual({ literal: 3 });
    expect(nul()).toEqual({ null: {} });
    expect(lowercase(field('email'))).toEqual({ lowercase: [{ field: 'email' }] });
    expect(stripSpaces(field('phone'))).toEqual({ stripSpaces: [{ field: 'phone' }] });
    expect(concat(field('a'), literal(' '), field('b'))).toEqual({
      concat: [{ field: 'a' }, { literal: ' ' }, { field: 'b' }],
    });
  });

  it('omit otherwise from enumMap unless it is given', () => {
    expect(JSON.stringify(enumMap(field('s'), { a: 'A' }))).toBe(
      '{"enumMap":{"input":{"field":"s"},"map":{"a":"A"}}}',
    );
    expect(enumMap(field('s'), { a: null }, nul())).toEqual({
      enumMap: { input: { field: 's' }, map: { a: null }, otherwise: { null: {} } },
    });
  });

  it('round-trip through JSON unchanged', () => {
    const tree = enumMap(lowercase(stripSpaces(field('s'))), { x: 'X' }, concat(literal('?'), field('s')));
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
  });
});
