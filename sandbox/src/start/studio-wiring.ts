/**
 * How the sandbox connects the studio: HubSpot (the simulator, with the studio's own token, or a
 * real portal), the destination simulators with their tokens and new-integration templates, and the
 * local runs (Run locally, Open running, live traces). `npm start` and the browser tests share it.
 */
import { readFileSync } from 'node:fs';
import type { IntegrationSpec } from '@kongo/runtime/spec';
import type { DestinationEndpoint, StudioOptions } from '@kongo/studio';
import { type Sandbox, STARTER_SPECS } from './sandbox.ts';

/**
 * A destination as a new integration names it, taken from the starter spec for that destination:
 * its `destination` block with the starter's client slug in parameter names replaced by `{slug}`,
 * and the destination's webhook triggers.
 */
export function destinationTemplates(): Map<string, DestinationEndpoint['template'] & object> {
  const templates = new Map<string, DestinationEndpoint['template'] & object>();
  for (const file of STARTER_SPECS) {
    const spec = JSON.parse(readFileSync(file, 'utf8')) as IntegrationSpec;
    const slug = spec.client.slug;
    const text = JSON.stringify(spec.destination).replaceAll(`/${slug}/`, '/{slug}/');
    templates.set(spec.destination.name, {
      destination: JSON.parse(text) as Record<string, unknown>,
      triggers: spec.flows.find((f) => f.direction === 'destination-to-hubspot')?.triggers ?? [],
      hubspotObject: spec.hubspot.objectType,
    });
  }
  return templates;
}

export function studioOptionsFor(
  sandbox: Sandbox,
  hubspotBaseUrl: string = sandbox.urls.hubspot,
): Pick<StudioOptions, 'hubspotBaseUrl' | 'hubspotToken' | 'destinations' | 'local'> {
  const templates = destinationTemplates();
  const destinations: DestinationEndpoint[] = [
    {
      name: 'events-platform',
      api: 'graphql',
      url: sandbox.urls.events,
      token: sandbox.events.token,
      objectType: 'Attendee',
    },
    {
      name: 'job-system',
      api: 'rest',
      url: sandbox.urls.jobs,
      token: sandbox.jobs.token,
      objectType: 'jobs',
    },
  ].map((d) => {
    const template = templates.get(d.name);
    return template ? { ...(d as DestinationEndpoint), template } : (d as DestinationEndpoint);
  });
  return {
    hubspotBaseUrl,
    ...(sandbox.studioHubSpotToken ? { hubspotToken: sandbox.studioHubSpotToken } : {}),
    destinations,
    local: sandbox.localRuns,
  };
}
