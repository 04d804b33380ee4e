import { describe, expect, it } from 'vitest';
import { PATTERNS } from '../spec/schema.ts';
import { getPath, parsePath, setPath } from './paths.ts';

const SPEC_PATH = new RegExp(PATTERNS.fieldPath.pattern);

/** Paths a spec may name as destination fields, and ones it must refuse. */
const ACCEPTED = [
  'email',
  'profile.first_name',
  'custom_fields[name=Region].value',
  'emails[0].address',
  'phones[1].number',
  'matrix[0][2]',
  'entry[0].changed_fields[3]',
  'a.b[kind=x y].c',
];
const REFUSED = ['', 'emails[].address', 'emails[-1]', 'x.', '.x', 'a[name=]', 'a..b', '1abc', 'a[0'];

describe('field paths: the spec grammar and the connector reader in step', () => {
  it('the spec grammar accepts what the connector reader reads, segment for segment', () => {
    for (const path of ACCEPTED) {
      expect(SPEC_PATH.test(path), path).toBe(true);
      expect(() => parsePath(path), path).not.toThrow();
    }
  });

  it('the spec grammar refuses malformed paths, and the connector reader refuses them too', () => {
    for (const path of REFUSED) {
      expect(SPEC_PATH.test(path), path).toBe(false);
      expect(() => parsePath(path), path).toThrow();
    }
  });

  it('reads and writes a list element by index (Jobber emails[0].address)', () => {
    const body: Record<string, unknown> = {};
    setPath(body, 'emails[0].address', 'a@x.io');
    expect(body).toEqual({ emails: [{ address: 'a@x.io' }] });
    expect(getPath({ emails: [{ address: 'b@x.io' }, { address: 'c@x.io' }] }, 'emails[1].address')).toBe(
      'c@x.io',
    );
  });
});
