/**
 * The adversarial corpus: spec strings built to break out of a literal or a comment. Each is either
 * rejected by validation with a clear error naming the place, or generated into code where it stays
 * a string — the output type-checks and, evaluated, gives back exactly the payload.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyTransforms } from '@kongo/runtime/formulas';
import { Project, SyntaxKind } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from './errors.ts';
import { generate } from './generate.ts';
import { writeProject } from './save.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const base = JSON.parse(
  readFileSync(join(ROOT, 'templates/starters/contacts-events.integration-spec.json'), 'utf8'),
);

export const PAYLOADS = [
  "it's",
  'say "hi"',
  'back`tick`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an injection payload on purpose
  '${process.exit(1)}',
  '`; process.exit(1); `',
  "'); process.exit(1); //",
  'line\nbreak',
  'carriage\rreturn',
  'separator\u2028here',
  'paragraph\u2029here',
  '*/ process.exit(1); /*',
  '</script><script>alert(1)</script>',
  'back\\slash',
  'nul\u0000char',
  'emoji 🎟️ and ü',
  'lone \ud800 surrogate',
  '__proto__',
  'constructor',
];

// biome-ignore lint/suspicious/noTemplateCurlyInString: an injection payload on purpose
const CLIENT_NAME = 'Evil "\' `${x}` */ \u2028 </script>';

function adversarialSpec() {
  const spec = structuredClone(base);
  spec.client.name = CLIENT_NAME;
  const flow = spec.flows[0];
  flow.mappings.push({
    target: 'notes',
    value: { concat: PAYLOADS.map((payload) => ({ literal: payload })) },
    note: PAYLOADS.join('\n'),
  });
  flow.mappings.push({
    target: 'status',
    value: {
      enumMap: {
        input: { field: 'lifecyclestage' },
        map: Object.fromEntries(PAYLOADS.map((payload, i) => [payload, PAYLOADS[(i + 1) % PAYLOADS.length]])),
        otherwise: { literal: '*/' },
      },
    },
  });
  return spec;
}

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

describe('adversarial spec strings', () => {
  it('are rejected with a clear error where they would be names', () => {
    for (const [pointer, mutate] of [
      ['/integration/name', (s: typeof base) => (s.integration.name = "x'; process.exit(1); //")],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an injection payload on purpose
      ['/flows/0/mappings/0/target', (s: typeof base) => (s.flows[0].mappings[0].target = 'a`${b}`')],
      [
        '/flows/0/mappings/0/value/lowercase/0/stripSpaces/0/field',
        (s: typeof base) => (s.flows[0].mappings[0].value.lowercase[0].stripSpaces[0].field = 'x\ny'),
      ],
      ['/hubspot/secretParameter', (s: typeof base) => (s.hubspot.secretParameter = '/a*/b')],
    ] as const) {
      const spec = structuredClone(base);
      mutate(spec);
      let error: unknown;
      try {
        generate({ specText: JSON.stringify(spec), specFileName: 'evil.integration-spec.json' });
      } catch (caught) {
        error = caught;
      }
      expect(error, pointer).toBeInstanceOf(InvalidSpecError);
      expect(
        (error as InvalidSpecError).problems.map((p) => p.pointer),
        pointer,
      ).toContain(pointer);
    }
  });

  const spec = adversarialSpec();
  const generated = generate({ specText: JSON.stringify(spec), specFileName: 'evil */\u2028.json' });
  const dir = mkdtempSync(join(tmpdir(), 'kongo-adversarial-'));
  temp.push(dir);
  writeProject(generated.files, dir);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));

  it('stay inside string literals: the mapping module holds no identifier we did not write', () => {
    const mappings = generated.files.find((f) => f.path === 'src/mappings.gen.ts')?.content ?? '';
    const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('/m.ts', mappings);
    const identifiers = new Set(
      file.getDescendantsOfKind(SyntaxKind.Identifier).map((node) => node.getText()),
    );
    const allowed = new Set([
      ...['concat', 'enumMap', 'field', 'literal', 'lowercase', 'nul', 'stripSpaces', 'mappingList'],
      ...[
        'MappingNotes',
        'MappingsByDirection',
        'MappingTable',
        'hubspotToDestination',
        'hubspotToDestinationNotes',
      ],
      ...['destinationToHubspot', 'destinationToHubspotNotes', 'mappings'],
      ...generated.integration.spec.flows.flatMap((flow) => flow.mappings.map((mapping) => mapping.target)),
      ...[
        'PROSPECT',
        'customer',
        'evangelist',
        'other',
        'REGISTERED',
        'WAITLISTED',
        'CHECKED_IN',
        'CANCELLED',
        'constructor',
      ],
    ]);
    expect([...identifiers].filter((name) => !allowed.has(name))).toEqual([]);
    expect(mappings).not.toContain('\u2028');
    expect(file.getDescendantsOfKind(SyntaxKind.TemplateExpression)).toHaveLength(0);
    const header = generated.files[0]?.content.split('\n').slice(0, 2).join('\n') ?? '';
    expect(header).toContain('from \\u2028.json');
  });

  it('generate code that type-checks', () => {
    const project = new Project({
      compilerOptions: {
        strict: true,
        allowImportingTsExtensions: true,
        noEmit: true,
        module: 99,
        moduleResolution: 100,
        target: 10,
        skipLibCheck: true,
        types: [],
      },
      skipAddingFilesFromTsConfig: true,
    });
    project.addSourceFilesAtPaths([join(dir, 'src/spec.gen.ts'), join(dir, 'src/mappings.gen.ts')]);
    const problems = project
      .getPreEmitDiagnostics()
      .map((d) => `${d.getSourceFile()?.getBaseName()}: ${String(d.getMessageText())}`);
    expect(problems).toEqual([]);
  });

  it('come back byte for byte when the generated modules are evaluated', async () => {
    const validated = generated.integration.spec;
    const { spec: emitted } = (await import(join(dir, 'src/spec.gen.ts'))) as { spec: typeof validated };
    const { mappings } = (await import(join(dir, 'src/mappings.gen.ts'))) as {
      mappings: Record<string, unknown>;
    };
    expect(emitted.client.name).toBe(CLIENT_NAME);
    expect(mappings['hubspot-to-destination']).toStrictEqual(validated.flows[0]?.mappings);
    const result = applyTransforms(
      { mappings: mappings['hubspot-to-destination'] as (typeof validated.flows)[0]['mappings'] },
      { lifecyclestage: '__proto__', email: 'a@b.c' },
    );
    expect(result.output.notes).toBe(PAYLOADS.join(''));
    expect(result.output.status).toBe('constructor');
  });
});
