/**
 * Studio benchmark (prints figures; not a test). Run: node --import tsx test/bench/studio.bench.ts
 * - initial JavaScript (gzip) of the built app, Monaco excluded (it loads lazily with the Spec tab);
 * - suggestions for 636 HubSpot properties × 300 destination fields (model, Node);
 * - first interactive render of the canvas with those schemas in headless Chromium.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startStudio } from '../../studio/server/index.ts';
import { AUTOSAVE_KEY } from '../../studio/src/app/autosave.ts';
import {
  applyMappingChange,
  createWorkspace,
  suggestMappings,
  validateWorkspace,
} from '../../studio/src/model/index.ts';
import { buildStudio, launchChromium, STUDIO_DIR } from '../studio/harness.ts';
import { destinationSchema300, hubspotSchema636 } from './studio-fixtures.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

await buildStudio();
const dist = join(STUDIO_DIR, 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const initialGzip = initial.reduce((sum, f) => sum + gz(f), 0);
const css = [...html.matchAll(/href="\/(assets\/[^"]+\.css)"/g)].map((m) => m[1]!);
const lazy = readdirSync(join(dist, 'assets'))
  .map((f) => `assets/${f}`)
  .filter((f) => f.endsWith('.js') && !initial.includes(f));
console.log(
  `initial JS (gzip): ${kb(initialGzip)} in ${initial.length} file(s) [${initial.join(', ')}]; CSS ${kb(css.reduce((s, f) => s + gz(f), 0))}; loaded later (Spec tab: Monaco, its workers, the spec schema): ${kb(lazy.reduce((sum, f) => sum + gz(f), 0))} in ${lazy.length} files`,
);

const hubspot = hubspotSchema636();
const destination = destinationSchema300();
let state = applyMappingChange(createWorkspace(), { type: 'load-schema', schema: hubspot });
state = applyMappingChange(state, { type: 'load-schema', schema: destination });
const cold = performance.now();
const first = suggestMappings(state, 'hubspot-to-destination');
const coldMs = performance.now() - cold;
const warm: number[] = [];
for (let i = 0; i < 15; i++) {
  // A fresh rejection each round: suggestions are recomputed from scratch against the cached index.
  const s = applyMappingChange(state, {
    type: 'reject-suggestion',
    direction: 'hubspot-to-destination',
    source: `x${i}`,
    target: 'y',
  });
  const t = performance.now();
  suggestMappings(s, 'hubspot-to-destination');
  warm.push(performance.now() - t);
}
const reverse = performance.now();
suggestMappings(state, 'destination-to-hubspot');
const reverseMs = performance.now() - reverse;
const v = performance.now();
validateWorkspace(state);
const validateMs = performance.now() - v;
const validateWarm: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  validateWorkspace(state);
  validateWarm.push(performance.now() - t);
}
console.log(
  `suggestions ${hubspot.fields.length} × ${destination.fields.length}: first ${coldMs.toFixed(1)} ms (builds the fuse.js index), then median ${median(warm).toFixed(1)} ms; reverse direction ${reverseMs.toFixed(1)} ms; ${first.length} pairs; live validation first ${validateMs.toFixed(1)} ms (compiles the spec schema), then median ${median(validateWarm).toFixed(1)} ms`,
);

const studio = await startStudio({ mode: 'dist' });
const chromium = await launchChromium();
try {
  const saved = JSON.stringify({
    v: 1,
    spec: state.spec,
    drafts: [],
    rejected: [],
    hubspot,
    destination,
    direction: 'hubspot-to-destination',
    nextDraft: 1,
  });
  const renders: number[] = [];
  const searches: number[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      AUTOSAVE_KEY,
      saved,
    ] as const);
    const page = await context.newPage();
    await page.goto(studio.url);
    // Interactive: both field lists rendered with their rows (the handles a drag starts from).
    await page.waitForSelector('[data-testid="source-list"] .field-row .react-flow__handle');
    await page.waitForSelector('[data-testid="target-list"] .field-row .react-flow__handle');
    renders.push(await page.evaluate(() => performance.now()));
    const t = await page.evaluate(() => performance.now());
    await page.fill('[data-testid="source-search"]', 'client_event');
    await page.waitForSelector('[data-testid="source-list"] [data-field^="client_event"]');
    searches.push((await page.evaluate(() => performance.now())) - t);
    await context.close();
  }
  console.log(
    `first interactive render (636 × 300, headless Chromium, 1440×900, from navigation start): median ${median(renders).toFixed(0)} ms of ${renders.map((r) => r.toFixed(0)).join(', ')}; search 636 fields median ${median(searches).toFixed(0)} ms`,
  );
} finally {
  await chromium.close();
  await studio.close();
}
