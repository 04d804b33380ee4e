/**
 * HubSpot webhook request signing (v1, v2, v3), written independently of the runtime's verifier so the two
 * check each other. Source: HubSpot "Validating requests" docs; vectors in REFERENCE.md §1.
 */
import { createHash, createHmac } from 'node:crypto';

/** v1: hex(SHA-256(clientSecret + rawBody)) — a plain hash, not an HMAC. */
export function signV1(clientSecret: string, rawBody: string): string {
  return createHash('sha256')
    .update(clientSecret + rawBody, 'utf8')
    .digest('hex');
}

/** v2: hex(SHA-256(clientSecret + method + uri + rawBody)); uri exactly as sent, protocol and query included. */
export function signV2(clientSecret: string, method: string, uri: string, rawBody: string): string {
  return createHash('sha256')
    .update(clientSecret + method + uri + rawBody, 'utf8')
    .digest('hex');
}

/** v3: base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestampMs)). */
export function signV3(
  clientSecret: string,
  method: string,
  uri: string,
  rawBody: string,
  timestampMs: number,
): string {
  return createHmac('sha256', clientSecret)
    .update(method + uri + rawBody + String(timestampMs), 'utf8')
    .digest('base64');
}

export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** The only escapes HubSpot decodes in the URI it signs with v3 (docs, "Validating requests"). */
const V3_DECODED_ESCAPES: ReadonlyArray<[string, string]> = [
  ['3A', ':'],
  ['2F', '/'],
  ['3F', '?'],
  ['40', '@'],
  ['21', '!'],
  ['24', '$'],
  ['27', "'"],
  ['28', '('],
  ['29', ')'],
  ['2A', '*'],
  ['2C', ','],
  ['3B', ';'],
];

/** The URI as v3 signs it: `https://x.io/h?a=%3A%20` → `https://x.io/h?a=:%20` (other escapes stay). */
export function v3SigningUri(uri: string): string {
  let out = uri;
  for (const [hex, char] of V3_DECODED_ESCAPES) {
    out = out.replace(new RegExp(`%${hex}`, 'gi'), char);
  }
  return out;
}

/**
 * The headers HubSpot puts on a webhook POST: always v3 (over the URI with HubSpot's decoding), plus the legacy
 * `X-HubSpot-Signature` in v1 or v2 (URI exactly as sent) when the app is configured for it.
 */
export function signatureHeaders(options: {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: string;
  timestampMs: number;
  legacy?: 'v1' | 'v2' | undefined;
}): Record<string, string> {
  const { clientSecret, method, uri, rawBody, timestampMs, legacy } = options;
  const headers: Record<string, string> = {
    'X-HubSpot-Signature-v3': signV3(clientSecret, method, v3SigningUri(uri), rawBody, timestampMs),
    'X-HubSpot-Request-Timestamp': String(timestampMs),
  };
  if (legacy === 'v1') {
    headers['X-HubSpot-Signature'] = signV1(clientSecret, rawBody);
    headers['X-HubSpot-Signature-Version'] = 'v1';
  } else if (legacy === 'v2') {
    headers['X-HubSpot-Signature'] = signV2(clientSecret, method, uri, rawBody);
    headers['X-HubSpot-Signature-Version'] = 'v2';
  }
  return headers;
}
