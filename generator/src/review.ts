/**
 * `kongo review OLD NEW`: the Markdown summary a reviewer reads on the pull request — per direction
 * the mappings added, removed and changed (shown as the same builder lines the mapping module
 * holds), enum tables changed option by option, triggers, policies and infrastructure settings,
 * a flag when the generator version changed, and the hand-written extensions listed apart.
 */

import { sourceFields } from '@kongo/runtime/formulas';
import type { Direction, EnumMapFormula, Flow, IntegrationSpec, Mapping, Value } from '@kongo/runtime/spec';
import { formulaExpression, print } from './ast.ts';
import { restrictionOf } from './emit/mappings.ts';
import { compare } from './output.ts';
import { GENERATOR_VERSION } from './version.ts';

export interface ReviewInput {
  /** The base branch's spec; undefined when there was none (first pull request). */
  old: IntegrationSpec | undefined;
  new: IntegrationSpec;
  /** Generator version that produced the base branch's code, when known (from its header). */
  previousGeneratorVersion?: string;
  /** Hand-written extension files and the hooks each defines. */
  extensions?: { path: string; hooks: string[]; lines: number }[];
}

/** Inline code that survives any content: a fence longer than the longest backtick run, newlines escaped. */
export function inlineCode(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A formula as the mapping module writes it: `concat(field('a'), literal(' '), field('b'))`. */
export function formulaText(value: Value): string {
  return print(formulaExpression(value));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort(compare)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function flatten(value: unknown, pointer: string, into: Map<string, string>): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of Object.keys(value).sort(compare)) {
      flatten((value as Record<string, unknown>)[key], `${pointer}/${key}`, into);
    }
  } else into.set(pointer, canonical(value));
  return into;
}

function settingChanges(before: unknown, after: unknown, prefix: string): string[] {
  const a = flatten(before ?? {}, prefix, new Map());
  const b = flatten(after ?? {}, prefix, new Map());
  const lines: string[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compare)) {
    const from = a.get(key);
    const to = b.get(key);
    if (from === to) continue;
    if (from === undefined) lines.push(`- ${inlineCode(key)} set to ${inlineCode(String(to))}`);
    else if (to === undefined) lines.push(`- ${inlineCode(key)} removed (was ${inlineCode(from)})`);
    else lines.push(`- ${inlineCode(key)}: ${inlineCode(from)} → ${inlineCode(to)}`);
  }
  return lines;
}

function enumMapOf(value: Value): EnumMapFormula['enumMap'] | undefined {
  return 'enumMap' in value ? value.enumMap : undefined;
}

function enumChanges(target: string, before: Value | undefined, after: Value | undefined): string[] {
  const a = before ? enumMapOf(before) : undefined;
  const b = after ? enumMapOf(after) : undefined;
  if (!a || !b) return [];
  const lines: string[] = [];
  const option = (value: string | null | undefined) => (value === null ? 'nul()' : String(value));
  for (const key of [...new Set([...Object.keys(a.map), ...Object.keys(b.map)])].sort(compare)) {
    const has = (map: Record<string, string | null>) => Object.hasOwn(map, key);
    if (!has(a.map)) lines.push(`  - added ${inlineCode(key)} → ${inlineCode(option(b.map[key]))}`);
    else if (!has(b.map))
      lines.push(`  - removed ${inlineCode(key)} (was → ${inlineCode(option(a.map[key]))})`);
    else if (a.map[key] !== b.map[key]) {
      lines.push(
        `  - changed ${inlineCode(key)}: ${inlineCode(option(a.map[key]))} → ${inlineCode(option(b.map[key]))}`,
      );
    }
  }
  const otherwise = (v: Value | undefined) =>
    v === undefined ? 'none (unmapped values are field errors)' : formulaText(v);
  if (canonical(a.otherwise) !== canonical(b.otherwise)) {
    lines.push(
      `  - otherwise: ${inlineCode(otherwise(a.otherwise))} → ${inlineCode(otherwise(b.otherwise))}`,
    );
  }
  if (canonical(a.input) !== canonical(b.input)) {
    lines.push(`  - input: ${inlineCode(formulaText(a.input))} → ${inlineCode(formulaText(b.input))}`);
  }
  return lines.length > 0 ? [`- ${inlineCode(target)}`, ...lines] : [];
}

function byTarget(flow: Flow | undefined): Map<string, Mapping> {
  return new Map((flow?.mappings ?? []).map((mapping) => [mapping.target, mapping]));
}

function directionSection(direction: Direction, before: Flow | undefined, after: Flow | undefined): string[] {
  const a = byTarget(before);
  const b = byTarget(after);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  const enums: string[] = [];
  for (const [target, mapping] of b) {
    const old = a.get(target);
    if (!old) added.push(`- ${inlineCode(`${target}: ${formulaText(mapping.value)}`)}`);
    else if (canonical(old.value) !== canonical(mapping.value)) {
      changed.push(
        `- ${inlineCode(target)}: ${inlineCode(formulaText(old.value))} → ${inlineCode(formulaText(mapping.value))}`,
      );
      enums.push(...enumChanges(target, old.value, mapping.value));
    } else if (old.note !== mapping.note) {
      changed.push(
        `- ${inlineCode(target)}: note changed to ${inlineCode(mapping.note ?? '(none)')} (formula unchanged)`,
      );
    }
  }
  for (const [target, mapping] of a) {
    if (!b.has(target)) removed.push(`- ${inlineCode(`${target}: ${formulaText(mapping.value)}`)}`);
  }
  const triggersBefore = new Set(before?.triggers ?? []);
  const triggersAfter = new Set(after?.triggers ?? []);
  const triggers = [
    ...[...triggersAfter]
      .filter((t) => !triggersBefore.has(t))
      .sort(compare)
      .map((t) => `- added ${inlineCode(t)}`),
    ...[...triggersBefore]
      .filter((t) => !triggersAfter.has(t))
      .sort(compare)
      .map((t) => `- removed ${inlineCode(t)}`),
  ];
  const lines: string[] = [`### ${direction}`, ''];
  if (!before && after) lines.push('New direction.', '');
  if (before && !after) lines.push('**Direction removed**: no changes flow this way any more.', '');
  const part = (title: string, items: string[]) => {
    if (items.length > 0) lines.push(`**${title}** (${items.length})`, '', ...items, '');
  };
  part('Mappings added', added);
  part('Mappings removed', removed);
  part('Mappings changed', changed);
  part('Enum tables changed', enums);
  part('Triggers changed', triggers);
  if (added.length + removed.length + changed.length + triggers.length === 0 && before && after) {
    lines.push(`No mapping or trigger changes (${after.mappings.length} mappings).`, '');
  }
  return lines;
}

/**
 * What the change means, in plain words: subscriptions to add, mappings that apply on create only,
 * fields no longer written, schedules added or removed (each one more or fewer invocations a month).
 */
export function consequences(old: IntegrationSpec | undefined, next: IntegrationSpec): string[] {
  const lines: string[] = [];
  const flowOf = (spec: IntegrationSpec | undefined, direction: Direction) =>
    spec?.flows.find((flow) => flow.direction === direction);
  const h2dBefore = flowOf(old, 'hubspot-to-destination');
  const h2dAfter = flowOf(next, 'hubspot-to-destination');
  const readBefore = new Set(h2dBefore ? sourceFields(h2dBefore) : []);
  const newlyRead = [...new Set(h2dAfter ? sourceFields(h2dAfter) : [])]
    .filter((name) => !readBefore.has(name))
    .sort(compare);
  if (old && newlyRead.length > 0)
    lines.push(
      `- **Run \`npm run hubspot:setup -- --environment <env>\` for each environment after deploying**: HubSpot subscribes webhooks per property, so changes to ${newlyRead.map(inlineCode).join(', ')} reach the integration only once subscribed.`,
    );
  for (const direction of ['hubspot-to-destination', 'destination-to-hubspot'] as const) {
    const before = byTarget(flowOf(old, direction));
    for (const mapping of flowOf(next, direction)?.mappings ?? []) {
      const restriction = restrictionOf(next, direction, mapping);
      const previous = before.get(mapping.target);
      const previousRestriction = previous ? restrictionOf(old ?? next, direction, previous) : null;
      if (restriction !== null && restriction !== previousRestriction)
        lines.push(`- ${inlineCode(mapping.target)} (${direction}): ${restriction}.`);
    }
    const after = byTarget(flowOf(next, direction));
    for (const target of [...before.keys()].filter((t) => !after.has(t)).sort(compare))
      lines.push(
        `- ${inlineCode(target)} (${direction}) is no longer written; the values already there stay as they are.`,
      );
  }
  const polled = (spec: IntegrationSpec | undefined) => spec?.destination.polling != null;
  if (old && polled(old) !== polled(next)) {
    lines.push(
      polled(next)
        ? `- Adds the destination poller: one more scheduled function per environment, every ${next.destination.polling?.intervalSeconds ?? 60} s at most once a minute (≈ 43,200 invocations a month), each reading the destination's changes.`
        : '- Removes the destination poller and its schedule.',
    );
  }
  return lines;
}

export function reviewMarkdown(input: ReviewInput): string {
  const { old, new: next } = input;
  const lines: string[] = [`## Kongo integration review: ${inlineCode(next.integration.name)}`, ''];
  if (!old) lines.push('No previous spec on the base branch: everything below is new.', '');
  const meaning = consequences(old, next);
  if (meaning.length > 0) lines.push('### What this change means', '', ...meaning, '');
  const directions: Direction[] = ['hubspot-to-destination', 'destination-to-hubspot'];
  for (const direction of directions) {
    const before = old?.flows.find((flow) => flow.direction === direction);
    const after = next.flows.find((flow) => flow.direction === direction);
    if (before || after) lines.push(...directionSection(direction, before, after));
  }
  const policies = settingChanges(old?.policies, next.policies, '/policies');
  lines.push('### Policies', '', ...(policies.length > 0 ? policies : ['No changes.']), '');
  const infrastructure = (spec: IntegrationSpec | undefined) =>
    spec && {
      client: spec.client,
      integration: spec.integration,
      environment: spec.environment,
      publicBaseUrl: spec.publicBaseUrl,
      hubspot: spec.hubspot,
      destination: spec.destination,
      monitoring: spec.monitoring,
    };
  const infra = settingChanges(infrastructure(old), infrastructure(next), '');
  lines.push(
    '### Infrastructure and connection settings',
    '',
    ...(infra.length > 0 ? infra : ['No changes.']),
    '',
  );
  lines.push('### Generator', '');
  if (input.previousGeneratorVersion === undefined) {
    lines.push(`Generated by ${inlineCode(GENERATOR_VERSION)}.`, '');
  } else if (input.previousGeneratorVersion !== GENERATOR_VERSION) {
    lines.push(
      `> **Generator version changed: ${inlineCode(input.previousGeneratorVersion)} → ${inlineCode(GENERATOR_VERSION)}.** Generated code may differ even where the mappings did not change; review the generated diff too.`,
      '',
    );
  } else
    lines.push(
      `Unchanged (${inlineCode(GENERATOR_VERSION)}): generated code changes come from the spec changes above.`,
      '',
    );
  if (input.extensions && input.extensions.length > 0) {
    lines.push('### Hand-written extensions — not generated, read with care', '');
    for (const extension of input.extensions) {
      const hooks = extension.hooks.length > 0 ? extension.hooks.map(inlineCode).join(', ') : 'none (empty)';
      lines.push(`- ${inlineCode(extension.path)} (${extension.lines} lines): hooks ${hooks}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** Reads the generator version from a generated file's header, if it has one. */
export function generatorVersionOf(generatedText: string): string | undefined {
  return /^\/\/ Generated by @kongo\/generator (\S+) from /m.exec(generatedText)?.[1];
}
