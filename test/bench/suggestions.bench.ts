/**
 * Suggestion quality on a labelled set of real field pairs (prints figures; not a test).
 * Run: node --import tsx test/bench/suggestions.bench.ts
 *
 * For each destination schema of test/fixtures/suggestions/labelled-pairs.ts against HubSpot's real
 * default properties (contacts or deals), both directions: every suggestion the studio shows as
 * "likely" is right when the labelled set pairs exactly those two fields. Prints
 * - precision of "likely": right likely suggestions / likely suggestions shown (goal ≥ 0.9);
 * - recall of "likely": true pairs shown as likely / true pairs (goal ≥ 0.7), so that showing few
 *   suggestions cannot buy precision.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importHubSpotProperties } from '../../studio/src/model/importers/hubspot.ts';
import {
  applyMappingChange,
  createWorkspace,
  type Direction,
  type Suggestion,
  starterSpec,
  suggestMappings,
} from '../../studio/src/model/index.ts';
import { LABELLED_SCHEMAS } from '../fixtures/suggestions/labelled-pairs.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const hubspotOf = (object: string) =>
  importHubSpotProperties(
    JSON.parse(readFileSync(join(ROOT, `sandbox/src/hubspot/data/${object}.json`), 'utf8')) as unknown,
    `HubSpot default ${object} properties`,
  );

let shown = 0;
let right = 0;
let truePairs = 0;
let found = 0;
let possible = 0;
const wrong: string[] = [];
const missed: string[] = [];

for (const labelled of LABELLED_SCHEMAS) {
  const spec = starterSpec();
  spec.hubspot.objectType = labelled.hubspotObject;
  spec.destination.objectType = labelled.objectType;
  let state = applyMappingChange(createWorkspace(spec), {
    type: 'load-schema',
    schema: hubspotOf(labelled.hubspotObject),
  });
  state = applyMappingChange(state, {
    type: 'load-schema',
    schema: { side: 'destination', source: labelled.id, fields: labelled.fields },
  });
  const directions: Direction[] = labelled.writable
    ? ['hubspot-to-destination', 'destination-to-hubspot']
    : ['destination-to-hubspot'];
  const row: string[] = [];
  for (const direction of directions) {
    const h2d = direction === 'hubspot-to-destination';
    const suggestions: Suggestion[] = suggestMappings(state, direction, 10_000);
    // As pairs: [HubSpot property, destination field].
    const pairOf = (s: Suggestion) => (h2d ? [s.source, s.target] : [s.target, s.source]) as [string, string];
    const likely = suggestions.filter((s) => s.confidence === 'likely');
    possible += suggestions.length - likely.length;
    let dRight = 0;
    for (const s of likely) {
      const [hubspot, destination] = pairOf(s);
      if (labelled.truth[destination] === hubspot) dRight++;
      else wrong.push(`${labelled.id} ${h2d ? '→' : '←'} ${hubspot} / ${destination} (${s.reason})`);
    }
    const expected = Object.entries(labelled.truth).filter(([, h]) => h !== null) as [string, string][];
    let dFound = 0;
    for (const [destination, hubspot] of expected) {
      const hit = likely.some((s) => {
        const [h, d] = pairOf(s);
        return h === hubspot && d === destination;
      });
      if (hit) dFound++;
      else missed.push(`${labelled.id} ${h2d ? '→' : '←'} ${hubspot} / ${destination}`);
    }
    shown += likely.length;
    right += dRight;
    truePairs += expected.length;
    found += dFound;
    row.push(
      `${h2d ? '→' : '←'} likely ${dRight}/${likely.length} right, ${dFound}/${expected.length} true pairs`,
    );
  }
  console.log(`${labelled.id.padEnd(26)} ${row.join(' · ')}`);
}

const precision = shown === 0 ? 0 : right / shown;
const recall = truePairs === 0 ? 0 : found / truePairs;
console.log(`\nwrong "likely": ${wrong.length ? `\n  ${wrong.join('\n  ')}` : 'none'}`);
console.log(`true pairs not shown as likely: ${missed.length ? `\n  ${missed.join('\n  ')}` : 'none'}`);
console.log(`\nlabelled schemas: ${LABELLED_SCHEMAS.length}, true pairs (both directions): ${truePairs}`);
console.log(`"possible" suggestions shown besides: ${possible}`);
console.log(`precision of likely: ${precision.toFixed(3)} (${right}/${shown}) — goal ≥ 0.9`);
console.log(`recall of likely: ${recall.toFixed(3)} (${found}/${truePairs}) — goal ≥ 0.7`);
