import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpecText } from './parse.ts';
import { formatProblem } from './problems.ts';

const starterText = readFileSync(
  new URL('../../../templates/starters/contacts-events.integration-spec.json', import.meta.url),
  'utf8',
);

describe('parseSpecText', () => {
  it('accepts a starter and returns the defaulted spec', () => {
    const result = parseSpecText(starterText, 'contacts-events.integration-spec.json');
    expect(result.ok && result.spec.integration.name).toBe('velflex-attendees');
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseSpecText(`\uFEFF${starterText}`, 'x.json').ok).toBe(true);
  });

  it('reports an empty or blank file in one line', () => {
    for (const text of ['', '  \n\t']) {
      expect(parseSpecText(text, 'x.json')).toEqual({
        ok: false,
        problems: [
          {
            pointer: '',
            line: 1,
            column: 1,
            message: 'the file is empty; expected an integration spec (a JSON object)',
          },
        ],
      });
    }
  });

  it('reports text that is not JSON with its position', () => {
    expect(parseSpecText('{\n  "specVersion": 1,\n  oops\n}', 'x.json')).toEqual({
      ok: false,
      problems: [{ pointer: '', line: 3, column: 3, message: 'not valid JSON: unexpected character "o"' }],
    });
  });

  it('says a file cut short looks truncated', () => {
    const result = parseSpecText('{\n  "specVersion": 1,\n  "client": {', 'x.json');
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          pointer: '',
          line: 3,
          column: 14,
          message: 'not valid JSON: the file ends before every { and [ is closed; it looks truncated',
        },
      ],
    });
  });

  it('puts each problem at the line and column of its key, sorted by position', () => {
    const text = starterText
      .replace('"appId": 1234567', '"appId": "1234567"')
      .replace('"lowercase": [{ "field": "email" }]', '"lowercse": [{ "field": "email" }]');
    const result = parseSpecText(text, 'spec.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => formatProblem(p, 'spec.json'))).toEqual([
      'spec.json:9:5 /hubspot/appId must be an integer; found the string "1234567"',
      'spec.json:82:41 /flows/1/mappings/0/value/lowercse unknown formula "lowercse"; a value is { "field": … }, { "literal": … } or one formula: null, enumMap, stripSpaces, lowercase, concat (did you mean "lowercase"?)',
    ]);
  });

  it('explains common JSON mistakes', () => {
    const message = (text: string) => {
      const result = parseSpecText(text, 'x.json');
      return result.ok ? '' : result.problems[0]?.message;
    };
    expect(message('{"a": 1,}')).toBe('not valid JSON: a trailing comma before "}" is not allowed in JSON');
    expect(message("{'a': 1}")).toBe('not valid JSON: unexpected "\'"; JSON strings use double quotes');
    expect(message('{"a": 1 // note\n}')).toBe('not valid JSON: unexpected "/"; JSON has no comments');
    expect(message('{"a": 1 "b": 2}')).toBe(
      'not valid JSON: unexpected string; is a comma missing before it?',
    );
    expect(message('{"a": 1} x')).toBe('not valid JSON: unexpected character "x"');
  });

  it('finds duplicate keys that JSON.parse would silently drop', () => {
    const text = starterText.replace('"REGISTERED": "OPEN",', '"REGISTERED": "OPEN",\n "REGISTERED": "NEW",');
    const result = parseSpecText(text, 'spec.json');
    expect(result.ok === false && result.problems).toEqual([
      {
        pointer: '/flows/1/mappings/7/value/enumMap/map/REGISTERED',
        line: 96,
        column: 2,
        message:
          'duplicate key "REGISTERED" in enumMap map; JSON keeps only the last entry, so one mapping is silently lost — keep one',
      },
    ]);
  });

  it('finds a duplicate key anywhere', () => {
    const text = starterText.replace(
      '"environment": "sandbox",',
      '"environment": "sandbox",\n"environment": "production",',
    );
    const result = parseSpecText(text, 'spec.json');
    expect(result.ok === false && result.problems.map((p) => [p.pointer, p.line, p.message])).toEqual([
      [
        '/environment',
        6,
        'duplicate property "environment"; JSON keeps only the last one — remove the other',
      ],
    ]);
  });

  it('locates a missing property at the object that lacks it', () => {
    const text = starterText.replace('"name": "Velflex"', '"nom": "Velflex"');
    const result = parseSpecText(text, 'spec.json');
    expect(result.ok === false && result.problems.map((p) => formatProblem(p, 'f'))).toEqual([
      'f:3:3 /client missing required property "name" — display name, e.g. "Velflex".',
      'f:3:34 /client/nom unknown property "nom"; allowed here: slug, name',
    ]);
  });
});
