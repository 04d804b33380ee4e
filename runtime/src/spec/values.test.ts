import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integrationSpecSchema, SPEC_SCHEMA_ID } from './schema.ts';
import { checkValue, MAX_VALUE_DEPTH } from './values.ts';

const ajv = new Ajv2020({ allowUnionTypes: true, validateFormats: false });
ajv.addSchema(integrationSpecSchema);
const schemaAccepts = ajv.getSchema(`${SPEC_SCHEMA_ID}#/$defs/value`);
if (!schemaAccepts) throw new Error('no value schema');

/** Value trees, valid and subtly invalid, up to a small depth. */
const valueTree: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ field: fc.constantFrom('email', 'first_name', 'Bad Name', '', '9lives') }),
    fc.record({
      literal: fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null)),
    }),
    fc.constantFrom({ null: {} }, { null: { x: 1 } }, { null: [] }),
    fc.record({ lowercase: fc.array(tie('value'), { maxLength: 2 }) }),
    fc.record({ stripSpaces: fc.array(tie('value'), { maxLength: 2 }) }),
    fc.record({ concat: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record(
      {
        enumMap: fc.record(
          {
            input: tie('value'),
            map: fc.dictionary(
              fc.string({ maxLength: 3 }),
              fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null), fc.integer()),
              {
                maxKeys: 2,
              },
            ),
            otherwise: tie('value'),
            extra: fc.constant(1),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['enumMap'] },
    ),
    fc.record({ lowercse: tie('value') }),
    fc.record({ field: fc.constant('email'), code: fc.constant('x') }),
    fc.constantFrom('email', 3, true, null, [], {}),
  ),
})).value;

describe('checkValue', () => {
  it('accepts exactly what the JSON Schema accepts (property)', () => {
    fc.assert(
      fc.property(valueTree, (value) => {
        const problems = checkValue(value, '/v');
        expect(problems.length === 0, JSON.stringify({ value, problems })).toBe(
          schemaAccepts(value) === true,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('is tested on a mix of valid and invalid trees', () => {
    const samples = fc.sample(valueTree, { numRuns: 500, seed: 42 });
    const valid = samples.filter((value) => checkValue(value, '').length === 0).length;
    expect(valid).toBeGreaterThan(50);
    expect(valid).toBeLessThan(450);
  });

  it(`refuses trees nested deeper than ${MAX_VALUE_DEPTH}`, () => {
    let deep: unknown = { field: 'email' };
    for (let i = 0; i <= MAX_VALUE_DEPTH; i++) deep = { lowercase: [deep] };
    expect(checkValue(deep, '')).toEqual([
      {
        pointer: `${'/lowercase/0'.repeat(MAX_VALUE_DEPTH + 1)}`,
        message: `formulas are nested more than ${MAX_VALUE_DEPTH} deep; simplify the mapping`,
      },
    ]);
  });
});
