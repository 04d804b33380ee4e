import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IntegrationSpec, validateSpec } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';
import { extensionHooks } from './extensions-info.ts';
import { generatorVersionOf, inlineCode, reviewMarkdown } from './review.ts';
import { GENERATOR_VERSION } from './version.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const raw = JSON.parse(
  readFileSync(join(ROOT, 'templates/starters/contacts-events.integration-spec.json'), 'utf8'),
);

function valid(json: unknown): IntegrationSpec {
  const result = validateSpec(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
}

describe('kongo review summary', () => {
  const old = valid(structuredClone(raw));
  const changed = structuredClone(raw);
  const h2d = changed.flows[0];
  h2d.mappings = h2d.mappings.filter((m: { target: string }) => m.target !== 'country');
  h2d.mappings.find((m: { target: string }) => m.target === 'firstName').value = {
    concat: [{ field: 'firstname' }, { literal: ' ' }, { field: 'lastname' }],
  };
  h2d.mappings.push({ target: 'company2', value: { lowercase: [{ field: 'company' }] } });
  const ticket = h2d.mappings.find((m: { target: string }) => m.target === 'ticketType').value.enumMap;
  ticket.map = { customer: 'SPONSOR', evangelist: 'SPEAKER', lead: 'GENERAL' };
  h2d.triggers = ['contact.creation', 'contact.propertyChange'];
  changed.policies.deletes = 'propagate';
  changed.monitoring.heartbeatSeconds = 120;
  const next = valid(changed);
  const markdown = reviewMarkdown({
    old,
    new: next,
    previousGeneratorVersion: '0.0.9',
    extensions: [{ path: 'src/extensions.ts', hooks: ['beforeWriteToDestination'], lines: 12 }],
  });

  it('lists mappings added, removed and changed per direction, as builder lines', () => {
    expect(markdown).toContain('### hubspot-to-destination');
    expect(markdown).toContain("**Mappings added** (1)\n\n- `company2: lowercase(field('company'))`");
    expect(markdown).toContain("**Mappings removed** (1)\n\n- `country: field('country')`");
    expect(markdown).toContain(
      "- `firstName`: `field('firstname')` → `concat(field('firstname'), literal(' '), field('lastname'))`",
    );
  });

  it('says what the change means: a new property to subscribe to, a field no longer written', () => {
    expect(markdown).toContain('### What this change means');
    const reading = structuredClone(raw);
    reading.flows[0].mappings.push({ target: 'company3', value: { field: 'hs_persona' } });
    expect(reviewMarkdown({ old, new: valid(reading) })).toMatch(
      /Run `npm run hubspot:setup -- --environment <env>` for each environment after deploying.*changes to `hs_persona` reach/,
    );
    expect(markdown).not.toContain('hubspot:setup');
    expect(markdown).toContain(
      '- `country` (hubspot-to-destination) is no longer written; the values already there stay as they are.',
    );
  });

  it('says when a mapping becomes create-only through fieldOwnership', () => {
    const owned = structuredClone(raw);
    owned.policies.fieldOwnership = { firstname: 'hubspot' };
    const text = reviewMarkdown({ old, new: valid(owned) });
    expect(text).toContain(
      '- `firstname` (destination-to-hubspot): create only: fieldOwnership gives firstname to HubSpot, so updates never write it.',
    );
  });

  it('shows enum tables option by option', () => {
    expect(markdown).toContain(
      '- `ticketType`\n  - changed `customer`: `VIP` → `SPONSOR`\n  - added `lead` → `GENERAL`\n  - removed `other` (was → `GENERAL`)',
    );
  });

  it('shows triggers, policies and infrastructure settings changed', () => {
    expect(markdown).toContain('- removed `contact.deletion`');
    expect(markdown).toContain('- `/policies/deletes`: `"flag"` → `"propagate"`');
    expect(markdown).toContain('- `/monitoring/heartbeatSeconds`: `300` → `120`');
  });

  it('flags a generator version change and lists extensions apart', () => {
    expect(markdown).toContain(`**Generator version changed: \`0.0.9\` → \`${GENERATOR_VERSION}\`.**`);
    expect(markdown).toContain('### Hand-written extensions — not generated, read with care');
    expect(markdown).toContain('- `src/extensions.ts` (12 lines): hooks `beforeWriteToDestination`');
  });

  it('says when nothing changed, and treats a missing base spec as all new', () => {
    const same = reviewMarkdown({ old, new: old, previousGeneratorVersion: GENERATOR_VERSION });
    expect(same).toContain('No mapping or trigger changes (8 mappings).');
    expect(same).toContain('### Policies\n\nNo changes.');
    expect(same).toContain('Unchanged (`');
    expect(reviewMarkdown({ old: undefined, new: old })).toContain('No previous spec on the base branch');
  });

  it('keeps backticks and newlines in spec strings from breaking the Markdown', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x')).toBe('`` `x ``');
    expect(inlineCode('line\nbreak')).toBe('`line\\nbreak`');
  });

  it('reads the generator version from a generated header and the hooks of an extension module', () => {
    expect(generatorVersionOf('// Generated by @kongo/generator 1.2.3 from x.json\n')).toBe('1.2.3');
    expect(generatorVersionOf('export const x = 1;\n')).toBeUndefined();
    const info = extensionHooks(
      'src/extensions.ts',
      'export const hooks = {\n  beforeWriteToHubSpot(values) { return values; },\n  afterDelivery: () => {},\n};\n',
    );
    expect(info).toEqual({
      path: 'src/extensions.ts',
      hooks: ['beforeWriteToHubSpot', 'afterDelivery'],
      lines: 4,
    });
  });
});
