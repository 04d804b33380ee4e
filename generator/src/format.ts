/**
 * Stage 4 — format: every generated TypeScript file is formatted with fixed settings (two spaces,
 * LF, semicolons) and given the header; data files pass through. The result is the list of files,
 * sorted by path — the same bytes on every machine, time zone and locale.
 */
import { ts } from 'ts-morph';
import { headerComment } from './header.ts';
import type { NormalizedIntegration } from './normalize.ts';
import { compare, type GeneratedFile, type OutputTree } from './output.ts';

const SETTINGS = {
  indentSize: 2,
  tabSize: 2,
  convertTabsToSpaces: true,
  newLineCharacter: '\n',
  semicolons: ts.SemicolonPreference.Insert,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
  ensureNewLineAtEndOfFile: true,
};

export function format(integration: NormalizedIntegration, tree: OutputTree): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const { path, file, kind } of tree.sources()) {
    file.formatText(SETTINGS);
    const body = file.getFullText().replace(/\r\n/g, '\n');
    // The extension module is the team's own: no "do not edit" header on it.
    const content = kind === 'once' ? body : `${headerComment(integration, '//')}\n${body}`;
    files.push({ path, content: content.endsWith('\n') ? content : `${content}\n`, kind });
  }
  for (const { path, text, kind } of tree.data()) files.push({ path, content: text, kind });
  return files.sort((a, b) => compare(a.path, b.path));
}
