/** integration-spec.json as text: the one serialisation used by the editor, save and download. */
import type { StudioSpec } from '../model/index.ts';

/** Two-space JSON with a final newline; key order is the spec object's own, so round trips are lossless. */
export function specText(spec: StudioSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

/** Parse a spec file the consultant opened; structural checks only (validateSpec runs on export). */
export function parseSpecFile(text: string): StudioSpec {
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { flows?: unknown }).flows))
    throw new Error('This is not an integration-spec.json (no "flows" array)');
  return parsed as StudioSpec;
}

export function download(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
