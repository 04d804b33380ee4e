/**
 * Checks the schema cannot express: a target mapped twice, a natural key nobody maps, two flows
 * for one direction, a destination with no way to report changes, options for the wrong API kind.
 * Runs on unvalidated data, so every access is defensive; the schema reports shape errors.
 */
import { childPointer, type SpecProblem } from './problems.ts';
import { PATTERNS } from './schema.ts';
import { didYouMean } from './suggest.ts';

const HUBSPOT_PROPERTY = new RegExp(PATTERNS.hubspotProperty.pattern);

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const HUBSPOT_EVENT_OBJECT: Record<string, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};
/** HubSpot webhook subscription event kinds (developer docs, "Webhooks API"). */
export const HUBSPOT_EVENT_KINDS: readonly string[] = [
  'creation',
  'deletion',
  'propertyChange',
  'merge',
  'restore',
  'associationChange',
  'privacyDeletion',
];

export function semanticProblems(spec: unknown): SpecProblem[] {
  const root = obj(spec);
  if (!root) return [];
  const problems: SpecProblem[] = [];
  const hubspot = obj(root.hubspot);
  const destination = obj(root.destination);
  const naturalKey = obj(destination?.naturalKey);
  const syncIdProperty = str(hubspot?.syncIdProperty) ?? 'kongo_sync_id';
  const flows = arr(root.flows);

  // One flow per direction.
  const seenDirections = new Map<string, number>();
  flows.forEach((flow, index) => {
    const direction = str(obj(flow)?.direction);
    if (direction === undefined) return;
    const first = seenDirections.get(direction);
    if (first !== undefined) {
      problems.push({
        pointer: `/flows/${index}/direction`,
        message: `a second "${direction}" flow (the first is /flows/${first}); each direction has one flow — merge their mappings and triggers`,
      });
    } else {
      seenDirections.set(direction, index);
    }
  });

  flows.forEach((flowValue, flowIndex) => {
    const flow = obj(flowValue);
    if (!flow) return;
    const direction = str(flow.direction);
    const flowPointer = `/flows/${flowIndex}`;
    const mappings = arr(flow.mappings);
    const targets = new Map<string, number>();
    mappings.forEach((mappingValue, mappingIndex) => {
      const target = str(obj(mappingValue)?.target);
      if (target === undefined) return;
      const first = targets.get(target);
      const pointer = `${flowPointer}/mappings/${mappingIndex}/target`;
      if (first !== undefined) {
        problems.push({
          pointer,
          message: `target "${target}" is already mapped at ${flowPointer}/mappings/${first}; map each target once (combine values with concat if you need both)`,
        });
      } else {
        targets.set(target, mappingIndex);
      }
      if (direction === 'destination-to-hubspot' && target === syncIdProperty) {
        problems.push({
          pointer,
          message: `"${target}" is the sync id property, which Kongo writes itself; remove this mapping`,
        });
      }
    });

    // The natural key must be written on the receiving side, or a create there cannot be matched later.
    if (naturalKey && mappings.length > 0) {
      const key =
        direction === 'hubspot-to-destination'
          ? { target: str(naturalKey.destinationField), name: 'destination.naturalKey.destinationField' }
          : direction === 'destination-to-hubspot'
            ? { target: str(naturalKey.hubspotProperty), name: 'destination.naturalKey.hubspotProperty' }
            : undefined;
      if (key?.target !== undefined && !targets.has(key.target)) {
        problems.push({
          pointer: `${flowPointer}/mappings`,
          message: `the natural key "${key.target}" (${key.name}) is not mapped in this flow; add a mapping with target "${key.target}" so records can be matched`,
        });
      }
    }

    // Trigger event types must belong to the object the flow reads.
    const objectType = str(hubspot?.objectType);
    const destinationObject = str(destination?.objectType);
    arr(flow.triggers).forEach((triggerValue, triggerIndex) => {
      const trigger = str(triggerValue);
      if (trigger === undefined || !trigger.includes('.')) return;
      const pointer = `${flowPointer}/triggers/${triggerIndex}`;
      const [prefix = '', kind = ''] = trigger.split('.', 2);
      if (direction === 'hubspot-to-destination' && objectType !== undefined) {
        const expected = HUBSPOT_EVENT_OBJECT[objectType];
        if (expected !== undefined && prefix !== expected) {
          problems.push({
            pointer,
            message: `trigger "${trigger}" is not a ${objectType} event; HubSpot ${objectType} events start with "${expected}."`,
          });
        } else if (!HUBSPOT_EVENT_KINDS.includes(kind)) {
          const hint = didYouMean(kind, HUBSPOT_EVENT_KINDS);
          problems.push({
            pointer,
            message: `"${kind}" is not a HubSpot event kind; use one of ${HUBSPOT_EVENT_KINDS.join(', ')}`,
            ...(hint ? { hint } : {}),
          });
        }
      }
      if (direction === 'destination-to-hubspot' && destinationObject !== undefined) {
        const expected = destinationObject.charAt(0).toLowerCase() + destinationObject.slice(1);
        if (prefix !== expected) {
          problems.push({
            pointer,
            message: `trigger "${trigger}" is not a ${destinationObject} event; destination events start with "${expected}." (e.g. "${expected}.updated")`,
          });
        }
      }
    });
  });

  if (hubspot && naturalKey && naturalKey.hubspotProperty === syncIdProperty) {
    problems.push({
      pointer: '/destination/naturalKey/hubspotProperty',
      message: `the natural key cannot be the sync id property "${syncIdProperty}"; use a property both sides know, such as email`,
    });
  }

  if (destination) {
    const webhooks = obj(destination.webhooks);
    const polling = obj(destination.polling);
    if (seenDirections.has('destination-to-hubspot') && !webhooks && !polling) {
      problems.push({
        pointer: '/destination',
        message:
          'the destination has neither "webhooks" nor "polling", so its changes can never reach HubSpot; add one (or both)',
      });
    }
    if (webhooks) {
      const named = destination.connector !== undefined;
      if (webhooks.scheme === 'connector' && !named)
        problems.push({
          pointer: '/destination/webhooks/scheme',
          message:
            '"connector" means the connector\'s own signature recipe; name one in destination.connector',
        });
      if (named && webhooks.scheme !== undefined && webhooks.scheme !== 'connector')
        problems.push({
          pointer: '/destination/webhooks/scheme',
          message:
            'with destination.connector the connector says how webhooks are signed; set "scheme": "connector"',
        });
      if (webhooks.scheme === 'hmac-sha256-hex' && webhooks.header === undefined) {
        problems.push({
          pointer: '/destination/webhooks',
          message:
            'hmac-sha256-hex needs "header", the request header carrying the signature (e.g. "X-Jobs-Signature")',
        });
      }
      if (webhooks.scheme === 'standard-webhooks' && webhooks.header !== undefined) {
        problems.push({
          pointer: '/destination/webhooks/header',
          message: 'standard-webhooks always signs in the webhook-signature header; remove "header"',
        });
      }
    }
    const api = str(destination.api);
    if (api === 'rest' && destination.graphql !== undefined) {
      problems.push({
        pointer: '/destination/graphql',
        message: 'graphql options are given but api is "rest"; remove them or set api to "graphql"',
      });
    }
    if (api === 'graphql' && destination.rest !== undefined) {
      problems.push({
        pointer: '/destination/rest',
        message: 'rest options are given but api is "graphql"; remove them or set api to "rest"',
      });
    }
  }

  const rateLimit = obj(hubspot?.rateLimit);
  const per10Seconds = rateLimit?.per10Seconds;
  const reserve = rateLimit?.reservePercent;
  if (
    typeof per10Seconds === 'number' &&
    per10Seconds >= 1 &&
    typeof reserve === 'number' &&
    reserve >= 0 &&
    reserve <= 90
  ) {
    if (Math.floor((per10Seconds * (100 - reserve)) / 100) < 1) {
      problems.push({
        pointer: '/hubspot/rateLimit/reservePercent',
        message: `reserving ${reserve}% of ${per10Seconds} requests per 10 s leaves this integration none; lower reservePercent`,
      });
    }
  }

  const ownership = obj(obj(root.policies)?.fieldOwnership);
  // Without a destination-to-hubspot flow there is nothing to own; the missing flow is the problem.
  if (ownership && seenDirections.has('destination-to-hubspot')) {
    const written = new Set<string>();
    for (const flow of flows) {
      if (obj(flow)?.direction !== 'destination-to-hubspot') continue;
      for (const mapping of arr(obj(flow)?.mappings)) {
        const target = str(obj(mapping)?.target);
        if (target !== undefined) written.add(target);
      }
    }
    for (const property of Object.keys(ownership)) {
      if (!written.has(property) && HUBSPOT_PROPERTY.test(property)) {
        const hint = didYouMean(property, written);
        problems.push({
          pointer: childPointer('/policies/fieldOwnership', property),
          message: `"${property}" is not written by the destination-to-hubspot flow, so there is nothing to own; remove it or map it`,
          ...(hint ? { hint } : {}),
        });
      }
    }
  }

  if (root.environment === 'production') {
    for (const [pointer, url] of [
      ['/publicBaseUrl', root.publicBaseUrl],
      ['/destination/baseUrl', destination?.baseUrl],
    ] as const) {
      if (typeof url === 'string' && url.startsWith('http://')) {
        problems.push({ pointer, message: 'production URLs must use https://' });
      }
    }
  }
  return problems;
}
