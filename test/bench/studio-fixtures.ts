/** Benchmark-sized schemas: 636 HubSpot contact properties (the simulator's real set plus custom ones) × 300 destination fields. */
import { defaultProperties } from '@kongo/sandbox/hubspot';
import { importHubSpotProperties, importJsonSchema } from '../../studio/src/model/importers/index.ts';
import type { Schema } from '../../studio/src/model/index.ts';

const WORDS = [
  'member',
  'event',
  'ticket',
  'session',
  'venue',
  'badge',
  'sponsor',
  'booth',
  'survey',
  'invoice',
  'travel',
  'hotel',
  'diet',
  'shirt',
  'region',
  'partner',
  'tier',
  'score',
  'source',
  'channel',
];
const PARTS = ['id', 'status', 'date', 'count', 'code', 'name', 'type', 'notes', 'level', 'owner'];

function words(i: number): [string, string] {
  return [WORDS[i % WORDS.length]!, PARTS[Math.floor(i / WORDS.length) % PARTS.length]!];
}

export function hubspotSchema636(): Schema {
  const real = (defaultProperties('contacts') as unknown[]).slice();
  const custom = [];
  for (let i = 0; real.length + custom.length < 636; i++) {
    const [a, b] = words(i);
    const enumeration = b === 'status' || b === 'type' || b === 'level';
    custom.push({
      name: `client_${a}_${b}_${i}`,
      label: `${a[0]!.toUpperCase()}${a.slice(1)} ${b} ${i}`,
      type: enumeration ? 'enumeration' : b === 'date' ? 'date' : b === 'count' ? 'number' : 'string',
      fieldType: enumeration ? 'select' : 'text',
      groupName: `client_${a}`,
      options: enumeration
        ? ['new', 'active', 'closed', 'archived'].map((v, k) => ({
            label: v,
            value: v,
            displayOrder: k,
            hidden: false,
          }))
        : [],
    });
  }
  return importHubSpotProperties({ results: [...real, ...custom] }, 'benchmark portal (636 properties)');
}

export function destinationSchema300(): Schema {
  const properties: Record<string, unknown> = {};
  const common = [
    'email',
    'firstName',
    'lastName',
    'company',
    'jobTitle',
    'phone',
    'country',
    'city',
    'website',
    'industry',
  ];
  for (const name of common) properties[name] = { type: 'string', title: name };
  for (let i = 0; Object.keys(properties).length < 300; i++) {
    const [a, b] = words(i + 7);
    const name = `${a}${b[0]!.toUpperCase()}${b.slice(1)}${i}`;
    properties[name] =
      b === 'status'
        ? { enum: ['NEW', 'ACTIVE', 'CLOSED'], title: `${a} ${b}` }
        : b === 'count'
          ? { type: 'integer' }
          : { type: 'string', title: `${a} ${b} ${i}` };
  }
  return importJsonSchema(
    { title: 'Member', type: 'object', required: ['email'], properties },
    { source: 'benchmark destination (300 fields)' },
  );
}
