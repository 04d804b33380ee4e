import { describe, expect, it } from 'vitest';
import { connectorForLegacySpec } from './legacy.ts';
import { parseConnectorText, validateConnector } from './validate.ts';

const base = () =>
  structuredClone(
    connectorForLegacySpec({
      api: 'rest',
      objectType: 'Job',
      idField: 'id',
      naturalKey: { hubspotProperty: 'job_reference', destinationField: 'reference' },
      webhooks: { scheme: 'hmac-sha256-hex', header: 'X-Jobs-Signature', secretParameter: '/x/y' },
    }),
  ) as unknown as Record<string, unknown> & {
    auth: Record<string, unknown>;
    operations: Record<string, Record<string, unknown>>;
  };

describe('validateConnector', () => {
  it('accepts the legacy entries', () => {
    expect(validateConnector(base()).ok).toBe(true);
  });

  it('names a misspelt key with a suggestion and a pointer', () => {
    const doc = base();
    doc.opertions = doc.operations;
    const result = validateConnector(doc);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toContainEqual(
      expect.objectContaining({ pointer: '/opertions', hint: 'did you mean "operations"?' }),
    );
  });

  it('says which properties an auth type takes', () => {
    const doc = base();
    doc.auth = { type: 'api-key', in: 'header', nam: 'X-API-Key', value: '{credentials.token}' };
    const result = validateConnector(doc);
    expect(!result.ok && result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/auth/nam', hint: 'did you mean "name"?' }),
      ]),
    );
  });

  it('refuses a template naming an undeclared connection setting', () => {
    const doc = base();
    (doc.operations.list as Record<string, unknown>).path = '/companies/{connection.companyId}/jobs';
    const result = validateConnector(doc);
    expect(!result.ok && result.problems.map((p) => p.message).join('\n')).toContain(
      '{connection.companyId} names no declared connection setting',
    );
  });

  it('refuses REST properties on a GraphQL connector and a re-read create without an id source', () => {
    const doc = base();
    doc.api = 'graphql';
    (doc.operations.create as Record<string, unknown>).emptyAnswer = 'reread';
    const result = validateConnector(doc);
    const messages = !result.ok ? result.problems.map((p) => `${p.pointer} ${p.message}`) : [];
    expect(messages).toContain(
      '/operations/create/method "method" is for REST operations; this connector\'s api is "graphql" (put arguments in "variables")',
    );
    expect(
      messages.some((m) => m.startsWith('/operations/create/emptyAnswer a create answered with no body')),
    ).toBe(true);
  });

  it('accepts a spread of {input} beside fixed members, and refuses a spread that is not one placeholder', () => {
    const doc = base();
    (doc.operations.create as Record<string, unknown>).body = {
      extra: { data: { '...': '{input}', kind: 'job' } },
    };
    expect(validateConnector(doc).ok).toBe(true);
    (doc.operations.create as Record<string, unknown>).body = { extra: { '...': 'input' } };
    const result = validateConnector(doc);
    expect(!result.ok && result.problems.map((p) => `${p.pointer} ${p.message}`)).toContain(
      '/operations/create/body/extra/... "..." spreads one object into this one: its value must be exactly one placeholder such as "{input}"',
    );
  });

  it('gives line and column from text', () => {
    const text = JSON.stringify(
      { ...base(), pagination: { type: 'cursor', from: 'body', size: 10 } },
      null,
      2,
    );
    const result = parseConnectorText(text);
    const problem = !result.ok ? result.problems.find((p) => p.pointer === '/pagination') : undefined;
    expect(problem?.message).toBe('a cursor from the body needs "path"');
    expect(problem?.line).toBeGreaterThan(1);
    expect(problem?.column).toBeGreaterThan(1);
  });
});
