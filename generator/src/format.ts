/**
 * Stage 4 — format: every generated TypeScript file gets the header, LF line ends and a final
 * newline; data files pass through. Layout itself is by construction — templates are formatted
 * (Biome), inserted code is printed from syntax trees with two-space indentation — which is about
 * four times faster than running the language service's formatter over every file. The result is
 * the list of files, sorted by path: the same bytes on every machine, time zone and locale.
 */
import { headerComment } from './header.ts';
import type { NormalizedIntegration } from './normalize.ts';
import { compare, type GeneratedFile, type OutputTree } from './output.ts';

export function format(integration: NormalizedIntegration, tree: OutputTree): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const { path, file, kind } of tree.sources()) {
    const body = file.getFullText().replace(/\r\n/g, '\n');
    // The extension module is the team's own: no "do not edit" header on it.
    const content = kind === 'once' ? body : `${headerComment(integration, '//')}\n${body}`;
    files.push({ path, content: content.endsWith('\n') ? content : `${content}\n`, kind });
  }
  for (const { path, text, kind } of tree.data()) files.push({ path, content: text, kind });
  return files.sort((a, b) => compare(a.path, b.path));
}
