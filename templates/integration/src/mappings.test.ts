/** The mapping module must say exactly what the spec says: one engine, no second source of truth. */
import { applyTransforms } from '@kongo/runtime/formulas';
import { describe, expect, it } from 'vitest';
import { mappings } from './mappings.ts';
import { spec } from './spec.ts';

describe('generated mappings', () => {
  it('cover exactly the directions of the spec', () => {
    expect(Object.keys(mappings).sort()).toEqual(spec.flows.map((flow) => flow.direction).sort());
  });

  for (const flow of spec.flows) {
    it(`${flow.direction}: deep-equal the spec's formula trees, in order`, () => {
      expect(mappings[flow.direction]).toStrictEqual(flow.mappings);
    });

    it(`${flow.direction}: evaluate like the spec's mappings`, () => {
      const record = Object.fromEntries(
        flow.mappings
          .flatMap((mapping) => fieldNames(mapping.value))
          .map((name) => [name, ` Sample ${name} `]),
      );
      const fromModule = applyTransforms({ mappings: mappings[flow.direction] ?? [] }, record);
      expect(fromModule).toStrictEqual(applyTransforms(flow, record));
    });
  }
});

function fieldNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(fieldNames);
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  if (typeof object.field === 'string') return [object.field];
  return Object.values(object).flatMap(fieldNames);
}
