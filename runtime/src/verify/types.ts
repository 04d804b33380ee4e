/** Verification's inputs and results: expected failures are values, never exceptions. */

/** The scheme comes from the spec, never from a request header (a header can claim a weaker one). */
export type VerificationScheme =
  | { type: 'hubspot'; version: 'v1' | 'v2' | 'v3' }
  | { type: 'standard-webhooks' }
  /** hex HMAC-SHA256 of the raw body in `header`, optionally prefixed `sha256=` (GitHub style). */
  | { type: 'hmac-sha256-hex'; header: string };

export type VerifyFailureReason =
  | 'missing-signature'
  | 'missing-timestamp'
  | 'missing-webhook-id'
  /** A header the signed payload names is absent (connector recipes). */
  | 'missing-header'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'bad-signature'
  /** No secret is configured: a deployment fault, not the caller's. */
  | 'no-secret';

export type VerifyResult =
  | { ok: true /** which rotation slot matched */; secret: 'current' | 'previous' }
  | { ok: false; reason: VerifyFailureReason };

/** The parts of a request a signature covers. */
export interface SignedRequest {
  /** As sent, e.g. `POST`. */
  method: string;
  /**
   * The URL as the sender called it: for HubSpot, the spec's publicBaseUrl + path + query. HubSpot
   * v2/v3 sign this string, so it must not come from an internal host name.
   */
  url: string;
  /** The raw body bytes, exactly as received. */
  body: Uint8Array;
  /** Header lookup by lower-case name. */
  header(name: string): string | null | undefined;
}

export interface VerifierOptions {
  /** Allowed clock difference either way for timestamped schemes, ms. Default 5 minutes. */
  toleranceMs?: number;
  /** ms since the epoch. */
  now?: () => number;
}

export type Verifier = (request: SignedRequest) => VerifyResult;
