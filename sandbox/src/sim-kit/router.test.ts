import { describe, expect, it } from 'vitest';
import { Router } from './router.ts';

describe('Router', () => {
  const router = new Router()
    .on('GET', '/_admin/records', () => undefined)
    .on('PUT', '/_admin/records/:id', () => undefined);

  it('matches a pattern and decodes its params', () => {
    const match = router.match('PUT', '/_admin/records/a%20b');
    expect(match).not.toBe('methodNotAllowed');
    expect(match === undefined || match === 'methodNotAllowed' ? undefined : match.params).toEqual({
      id: 'a b',
    });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', '/_admin/records/1')).toBe('methodNotAllowed');
    expect(router.match('GET', '/_admin/nothing')).toBeUndefined();
  });

  it('lists its routes', () => {
    expect(router.describe()).toEqual(['GET /_admin/records', 'PUT /_admin/records/:id']);
  });
});
