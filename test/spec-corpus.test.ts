/**
 * The invalid-spec corpus: every file under test/fixtures/invalid-specs/ and the exact lines
 * `kongo validate` prints for it (file:line:col pointer message (hint)). Each fixture is a starter
 * with one thing wrong, so each line here is the whole story for its file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateFiles } from '../cli/src/commands/validate.ts';

const DIR = fileURLToPath(new URL('./fixtures/invalid-specs/', import.meta.url));

const EXPECTED: Record<string, string[]> = {
  'app-id-as-string.json': [
    'app-id-as-string.json:15:5 /hubspot/appId must be an integer; found the string "2345678"',
  ],
  'bad-region.json': [
    'bad-region.json:9:5 /integration/region "sydney" is not valid: an AWS region such as "ap-southeast-2"',
  ],
  'bad-slug.json': [
    'bad-slug.json:4:5 /client/slug "Velflex Ltd" is not valid: lowercase letters, digits and single hyphens, starting with a letter (e.g. "velflex")',
  ],
  'bad-url.json': [
    'bad-url.json:12:3 /publicBaseUrl "hooks.velflex.example.com" is not valid: an http(s) URL without spaces, query or fragment, e.g. "https://api.example.com"',
  ],
  'bare-number-in-concat.json': [
    'bare-number-in-concat.json:166:15 /flows/1/mappings/4/value/concat/1 a bare number is not a value; write { "literal": 42 } for a constant',
  ],
  'bare-string-as-formula-argument.json': [
    'bare-string-as-formula-argument.json:121:15 /flows/0/mappings/5/value/stripSpaces/0 a bare string is not a value; write { "literal": "phone" } for a constant or { "field": "phone" } for a source field',
  ],
  'bare-string-as-value.json': [
    'bare-string-as-value.json:95:11 /flows/0/mappings/1/value a bare string is not a value; write { "literal": "firstname" } for a constant or { "field": "firstname" } for a source field',
  ],
  'code-as-formula.json': [
    'code-as-formula.json:102:13 /flows/0/mappings/2/value/javascript unknown formula "javascript"; a value is { "field": … }, { "literal": … } or one formula: null, enumMap, stripSpaces, lowercase, concat',
  ],
  'code-beside-formula.json': [
    'code-beside-formula.json:90:13 /flows/0/mappings/0/value/code unknown property "code" beside "lowercase"; a value holds exactly one key and nothing else (no code, no expressions)',
  ],
  'code-in-mapping.json': [
    'code-in-mapping.json:98:11 /flows/0/mappings/1/transform unknown property "transform"; allowed here: target, value, note',
  ],
  'comments.json': ['comments.json:2:3 not valid JSON: unexpected "/"; JSON has no comments'],
  'duplicate-direction.json': [
    'duplicate-direction.json:155:7 /flows/1/direction a second "hubspot-to-destination" flow (the first is /flows/0); each direction has one flow — merge their mappings and triggers',
  ],
  'duplicate-property.json': [
    'duplicate-property.json:12:3 /environment duplicate property "environment"; JSON keeps only the last one — remove the other',
  ],
  'duplicate-target.json': [
    'duplicate-target.json:100:11 /flows/0/mappings/2/target target "firstName" is already mapped at /flows/0/mappings/1; map each target once (combine values with concat if you need both)',
  ],
  'empty.json': ['empty.json:1:1 the file is empty; expected an integration spec (a JSON object)'],
  'enum-value-wrong-case.json': [
    'enum-value-wrong-case.json:28:5 /destination/api the string "GraphQL" is not allowed; use one of "rest", "graphql" (did you mean "graphql"?)',
  ],
  'enummap-duplicate-key.json': [
    'enummap-duplicate-key.json:221:17 /flows/1/mappings/7/value/enumMap/map/REGISTERED duplicate key "REGISTERED" in enumMap map; JSON keeps only the last entry, so one mapping is silently lost — keep one',
  ],
  'enummap-empty-map.json': [
    'enummap-empty-map.json:140:15 /flows/0/mappings/7/value/enumMap/map enumMap "map" is empty; add at least one "source": "target" entry',
  ],
  'enummap-missing-map.json': [
    'enummap-missing-map.json:136:13 /flows/0/mappings/7/value/enumMap enumMap is missing "map", the table of source value → target value',
  ],
  'enummap-misspelled-otherwise.json': [
    'enummap-misspelled-otherwise.json:145:15 /flows/0/mappings/7/value/enumMap/otherwize unknown property "otherwize" in enumMap; it takes only input, map and otherwise (did you mean "otherwise"?)',
  ],
  'enummap-number-target.json': [
    'enummap-number-target.json:107:17 /flows/0/mappings/2/value/enumMap/map/closedwon enumMap targets are strings (or null to clear); found the number 2 — write "2"',
  ],
  'field-name-with-space.json': [
    'field-name-with-space.json:96:13 /flows/0/mappings/1/value/field "first name" is not valid: a field name, or a path into nested fields, list elements and custom-field arrays such as "profile.first_name", "emails[0].address" or "custom_fields[name=Region].value"',
  ],
  'field-ownership-unmapped.json': [
    'field-ownership-unmapped.json:60:7 /policies/fieldOwnership/lifecyclestage "lifecyclestage" is not written by the destination-to-hubspot flow, so there is nothing to own; remove it or map it',
  ],
  'graphql-options-on-rest.json': [
    'graphql-options-on-rest.json:53:5 /destination/graphql graphql options are given but api is "rest"; remove them or set api to "graphql"',
  ],
  'heartbeat-too-short.json': [
    'heartbeat-too-short.json:63:5 /monitoring/heartbeatSeconds must be at least 60; found 30 (heartbeats run on a schedule that ticks at most once a minute)',
  ],
  'hmac-without-header.json': [
    'hmac-without-header.json:41:5 /destination/webhooks hmac-sha256-hex needs "header", the request header carrying the signature (e.g. "X-Jobs-Signature")',
  ],
  'hubspot-trigger-misspelled.json': [
    'hubspot-trigger-misspelled.json:74:9 /flows/0/triggers/1 "propertyChanged" is not a HubSpot event kind; use one of creation, deletion, propertyChange, merge, restore, associationChange, privacyDeletion (did you mean "propertyChange"?)',
  ],
  'literal-null.json': [
    'literal-null.json:108:13 /flows/0/mappings/3/value/literal "literal" takes a string, number or boolean; found null — write { "null": {} } for "no value"',
  ],
  'literal-object.json': [
    'literal-object.json:108:13 /flows/0/mappings/3/value/literal "literal" takes a string, number or boolean; found an object',
  ],
  'missing-required-field.json': [
    'missing-required-field.json:13:3 /hubspot missing required property "appId" — the HubSpot app id (webhooks and writes carry it).',
  ],
  'missing-version.json': [
    'missing-version.json:1:1 missing "specVersion"; an integration spec starts with "specVersion": 1',
  ],
  'misspelled-key.json': [
    'misspelled-key.json:24:5 /hubspot/syncIdProprety unknown property "syncIdProprety"; allowed here: objectType, appId, signature, secretParameter, accessTokenParameter, rateLimit, syncIdProperty (did you mean "syncIdProperty"?)',
  ],
  'natural-key-unmapped.json': [
    'natural-key-unmapped.json:122:7 /flows/1/mappings the natural key "job_reference" (destination.naturalKey.hubspotProperty) is not mapped in this flow; add a mapping with target "job_reference" so records can be matched',
  ],
  'negative-rate-limit.json': [
    'negative-rate-limit.json:20:7 /hubspot/rateLimit/per10Seconds must be at least 1; found -10',
  ],
  'no-flows.json': ['no-flows.json:69:3 /flows needs at least 1 item'],
  'no-webhooks-or-polling.json': [
    'no-webhooks-or-polling.json:26:3 /destination the destination has neither "webhooks" nor "polling", so its changes can never reach HubSpot; add one (or both)',
  ],
  'null-with-arguments.json': [
    'null-with-arguments.json:146:17 /flows/0/mappings/7/value/enumMap/otherwise/null "null" takes no arguments: write { "null": {} }; found an object',
  ],
  'production-over-http.json': [
    'production-over-http.json:29:5 /destination/baseUrl production URLs must use https://',
  ],
  'reserve-leaves-nothing.json': [
    'reserve-leaves-nothing.json:22:7 /hubspot/rateLimit/reservePercent reserving 50% of 1 requests per 10 s leaves this integration none; lower reservePercent',
  ],
  'reserve-too-high.json': [
    'reserve-too-high.json:22:7 /hubspot/rateLimit/reservePercent must be at most 90; found 95',
  ],
  'root-is-an-array.json': ['root-is-an-array.json:1:1 an integration spec is a JSON object; found an array'],
  'secret-value-instead-of-parameter.json': [
    'secret-value-instead-of-parameter.json:43:7 /destination/webhooks/secretParameter "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" is not valid: an SSM parameter name such as "/velflex/hubspot-client-secret" (never the secret itself)',
  ],
  'single-quotes.json': [
    'single-quotes.json:2:3 not valid JSON: unexpected "\'"; JSON strings use double quotes',
  ],
  'sync-id-mapped-by-hand.json': [
    'sync-id-mapped-by-hand.json:177:11 /flows/1/mappings/5/target "kongo_sync_id" is the sync id property, which Kongo writes itself; remove this mapping',
  ],
  'three-flows.json': [
    'three-flows.json:69:3 /flows has more than 2 flows; there is one flow per direction',
    'three-flows.json:231:7 /flows/2/direction a second "hubspot-to-destination" flow (the first is /flows/0); each direction has one flow — merge their mappings and triggers',
  ],
  'trailing-comma.json': [
    'trailing-comma.json:6:3 not valid JSON: a trailing comma before "}" is not allowed in JSON',
  ],
  'trigger-for-wrong-object.json': [
    'trigger-for-wrong-object.json:118:9 /flows/1/triggers/0 trigger "attendee.created" is not a Job event; destination events start with "job." (e.g. "job.updated")',
  ],
  'truncated.json': [
    'truncated.json:108:30 not valid JSON: the file ends before every { and [ is closed; it looks truncated',
  ],
  'two-formulas-in-one-value.json': [
    'two-formulas-in-one-value.json:119:11 /flows/0/mappings/5/value a value holds exactly one of field, literal or a formula; found "stripSpaces" and "lowercase" — nest one inside the other or split the mapping',
  ],
  'unknown-formula.json': [
    'unknown-formula.json:81:13 /flows/0/mappings/0/value/lowercse unknown formula "lowercse"; a value is { "field": … }, { "literal": … } or one formula: null, enumMap, stripSpaces, lowercase, concat (did you mean "lowercase"?)',
  ],
  'unknown-top-level-key.json': [
    'unknown-top-level-key.json:234:3 /handlers unknown property "handlers"; allowed here: $schema, specVersion, client, integration, environment, publicBaseUrl, environments, hubspot, destination, policies, monitoring, flows, studio',
  ],
  'url-with-query.json': [
    'url-with-query.json:29:5 /destination/baseUrl "https://api.jobs.example.com?token=abc" is not valid: an http(s) URL without spaces, query or fragment, e.g. "https://api.example.com"',
  ],
  'wrong-arity-concat-empty.json': [
    'wrong-arity-concat-empty.json:162:13 /flows/1/mappings/4/value/concat concat takes at least 1 argument; found 0',
  ],
  'wrong-arity-lowercase.json': [
    'wrong-arity-lowercase.json:81:13 /flows/0/mappings/0/value/lowercase lowercase takes exactly 1 argument; found 2',
  ],
  'wrong-arity-stripspaces-not-a-list.json': [
    'wrong-arity-stripspaces-not-a-list.json:120:13 /flows/0/mappings/5/value/stripSpaces stripSpaces takes a list of exactly 1 argument, e.g. { "stripSpaces": [{ "field": "email" }] }; found an object',
  ],
  'wrong-version.json': [
    'wrong-version.json:2:3 /specVersion specVersion 2 is not supported; this Kongo reads specVersion 1',
  ],
};

async function linesFor(file: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await validateFiles([`${DIR}${file}`], {}, { out: (line) => lines.push(line), err: () => {} });
  return { code, lines: lines.map((line) => line.replace(DIR, '')) };
}

describe('the invalid-spec corpus', () => {
  it('has at least 30 fixtures, each with its expected problems listed here', () => {
    const files = readdirSync(DIR)
      .filter((name) => name.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`rejects ${file} with exactly its problem`, async () => {
      expect(await linesFor(file)).toEqual({ code: 1, lines: expected });
    });
  }
});
