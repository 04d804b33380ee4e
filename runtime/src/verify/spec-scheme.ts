/** Which scheme and secret parameter a spec names for each webhook source. */
import { webhookUrl } from '../spec/paths.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import type { VerificationScheme } from './types.ts';

export interface SourceVerification {
  scheme: VerificationScheme;
  /** SSM parameter name of the signing secret; `<name>-previous` holds the one being rotated out. */
  secretParameter: string;
  /** The URL the sender calls (HubSpot signs it), without the query. */
  url: string;
}

/** The spec's choice for `source`, or null when that side sends no webhooks (poll only). */
export function verificationFor(
  spec: Pick<IntegrationSpec, 'hubspot' | 'destination' | 'integration' | 'publicBaseUrl'>,
  source: 'hubspot' | 'destination',
): SourceVerification | null {
  const url = webhookUrl(spec, source);
  if (source === 'hubspot') {
    return {
      scheme: { type: 'hubspot', version: spec.hubspot.signature },
      secretParameter: spec.hubspot.secretParameter,
      url,
    };
  }
  const webhooks = spec.destination.webhooks;
  // A connector's recipe is not one of these schemes: the webhook edge builds it (verify/recipe.ts).
  if (!webhooks || webhooks.scheme === 'connector') return null;
  const scheme: VerificationScheme =
    webhooks.scheme === 'standard-webhooks'
      ? { type: 'standard-webhooks' }
      : { type: 'hmac-sha256-hex', header: webhooks.header };
  return { scheme, secretParameter: webhooks.secretParameter, url };
}
