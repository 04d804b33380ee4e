import { describe, expect, it } from 'vitest';
import { applyMappingChange, createWorkspace, starterSpec } from '../model/index.ts';
import { locatePointer } from './pointer-lines.ts';
import { parseSpecFile, specText } from './spec-file.ts';

describe('integration-spec.json round trips', () => {
  it('opens and saves a spec byte for byte, keeping key order, unknown studio data and notes', () => {
    const spec = starterSpec();
    spec.flows[0]!.mappings = [
      { target: 'email', note: 'lowercased for matching', value: { lowercase: [{ field: 'email' }] } },
      {
        target: 'status',
        value: { enumMap: { input: { field: 's' }, map: { a: 'A', b: null }, otherwise: { literal: 'X' } } },
      },
    ];
    spec.studio = { layout: { zoom: 1 }, custom: [1, 2] };
    const text = specText(spec);
    const opened = parseSpecFile(text);
    const state = applyMappingChange(createWorkspace(), { type: 'replace-spec', spec: opened });
    expect(specText(state.spec)).toBe(text);
  });

  it('refuses a file without flows', () => {
    expect(() => parseSpecFile('{"specVersion":1}')).toThrow(/no "flows" array/);
  });
});

describe('locatePointer', () => {
  it('finds the line of a JSON pointer in the spec text', () => {
    const text = specText(starterSpec());
    expect(locatePointer(text, '/destination/naturalKey')?.line).toBe(
      text.split('\n').findIndex((l) => l.includes('"naturalKey"')) + 1,
    );
    expect(locatePointer(text, '/flows/1/direction')?.line).toBe(
      text.split('\n').findIndex((l) => l.includes('"destination-to-hubspot"')) + 1,
    );
  });
});
