/** Where each integration's webhooks live: the same paths on API Gateway and on the local gateway. */
import type { IntegrationSpec } from './types.ts';

export type WebhookSource = 'hubspot' | 'destination';

/** `/webhooks/{integration}/{source}`, e.g. /webhooks/velflex-attendees/hubspot */
export function webhookPath(spec: Pick<IntegrationSpec, 'integration'>, source: WebhookSource): string {
  return `/webhooks/${spec.integration.name}/${source}`;
}

/** The full URL the sender calls; HubSpot's v2/v3 signatures cover exactly this string. */
export function webhookUrl(
  spec: Pick<IntegrationSpec, 'integration' | 'publicBaseUrl'>,
  source: WebhookSource,
): string {
  return spec.publicBaseUrl.replace(/\/+$/, '') + webhookPath(spec, source);
}
