import { describe, expect, it } from 'vitest';
import { renderJson } from './template.ts';

const context = (values: Record<string, unknown>) => (name: string) => values[name] as never;

describe('renderJson', () => {
  it('spreads {input} into an object with fixed members beside it (a GraphQL input with the event id)', () => {
    const template = { input: { '...': '{input}', eventId: '{connection.eventId:int}' } };
    expect(
      renderJson(
        template,
        context({ input: { email: 'a@x.io', profile: { firstName: 'A' } }, 'connection.eventId': '7' }),
      ),
    ).toEqual({ input: { email: 'a@x.io', profile: { firstName: 'A' }, eventId: 7 } });
  });

  it('lets the fixed members win over spread ones of the same name', () => {
    expect(
      renderJson(
        { '...': '{input}', id: '{id:int}' },
        context({ input: { id: 99, email: 'b@x.io' }, id: '5' }),
      ),
    ).toEqual({ id: 5, email: 'b@x.io' });
  });

  it('leaves the spread out when the value is absent, and refuses a spread of a non-object', () => {
    expect(renderJson({ '...': '{input}', kind: 'job' }, context({}))).toEqual({ kind: 'job' });
    expect(() => renderJson({ '...': '{id}' }, context({ id: 'x' }))).toThrow('is not an object to spread');
  });
});
