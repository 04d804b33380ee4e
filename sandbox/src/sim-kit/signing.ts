// Webhook signing done with node:crypto directly, so the runtime's verifiers are checked by independent code.
import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks v1: base64 HMAC-SHA256 over `{id}.{timestamp}.{body}` with the key bytes behind
 * `whsec_`. Several secrets (rotation) give space-separated signatures.
 * @example signStandardWebhook(['whsec_…'], 'msg_1', 1614265330, '{}') // → 'v1,…='
 */
export function signStandardWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
      const digest = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
      return `v1,${digest}`;
    })
    .join(' ');
}

/** Lower-case hex HMAC-SHA256 of the raw body with a UTF-8 secret (GitHub/`X-Jobs-Signature` style). */
export function hmacSha256Hex(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Base64 HMAC-SHA256 of the raw body with a UTF-8 secret (Jobber's `X-Jobber-Hmac-SHA256` style). */
export function hmacSha256Base64(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}
