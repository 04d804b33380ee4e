/**
 * Signature verification for every scheme a spec can name: HubSpot v1/v2/v3, Standard Webhooks and
 * hex HMAC-SHA256 in a header. Runs on the raw bytes before anything is parsed; compares in
 * constant time on equal-length buffers; accepts the current and the previous secret during a
 * rotation. Key material is prepared once per verifier (HMAC KeyObjects, pre-fed SHA-256 states),
 * so build one per secret set and reuse it.
 */
import {
  createHash,
  createHmac,
  createSecretKey,
  type Hash,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { decodeHubSpotUri } from './hubspot-uri.ts';
import type { SignedRequest, VerificationScheme, Verifier, VerifierOptions, VerifyResult } from './types.ts';

const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;
const SHA256_BYTES = 32;
const HEX64 = /^[0-9a-fA-F]{64}$/;
/** A SHA-256 value in canonical base64: 43 characters and one `=`. */
const BASE64_SHA256_LENGTH = 44;

const OK_CURRENT: VerifyResult = { ok: true, secret: 'current' };
const OK_PREVIOUS: VerifyResult = { ok: true, secret: 'previous' };
/** 1–16 ASCII digits (a Unix time in s or ms); a loop is cheaper than a regex on the hot path. */
function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 16) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function fail(reason: Extract<VerifyResult, { ok: false }>['reason']): VerifyResult {
  return { ok: false, reason };
}
function matched(index: number): VerifyResult {
  return index === 0 ? OK_CURRENT : OK_PREVIOUS;
}

/**
 * Builds a verifier for `scheme` accepting any of `secrets` (current first, then previous).
 *
 * @example
 * const verify = createVerifier({ type: 'hubspot', version: 'v3' }, [current, previous]);
 * const result = verify({ method: 'POST', url, body, header: (n) => req.headers.get(n) });
 * if (!result.ok) return new Response(null, { status: 401 });
 */
export function createVerifier(
  scheme: VerificationScheme,
  secrets: readonly string[],
  options: VerifierOptions = {},
): Verifier {
  const usable = secrets.filter((s) => s.length > 0);
  if (usable.length === 0) return () => fail('no-secret');
  const tolerance = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const now = options.now ?? Date.now;
  switch (scheme.type) {
    case 'hubspot':
      if (scheme.version === 'v3') return hubspotV3(usable, tolerance, now);
      return hubspotV1V2(scheme.version, usable);
    case 'standard-webhooks':
      return standardWebhooks(usable, tolerance, now);
    case 'hmac-sha256-hex':
      return hmacHex(scheme.header.toLowerCase(), usable);
  }
}

/** base64(HMAC-SHA256(secret, method + uri + body + timestamp)); timestamp in ms, ±tolerance. */
function hubspotV3(secrets: string[], tolerance: number, now: () => number): Verifier {
  const keys = secrets.map((s) => createSecretKey(Buffer.from(s, 'utf8')));
  // The webhook URL rarely changes (no query, one target per app): remember the last decoding.
  let lastUrl = '';
  let lastDecoded = '';
  return (request: SignedRequest) => {
    const header = request.header('x-hubspot-signature-v3');
    if (!header) return fail('missing-signature');
    const timestamp = request.header('x-hubspot-request-timestamp');
    if (!timestamp) return fail('missing-timestamp');
    if (!isDigits(timestamp)) return fail('malformed-timestamp');
    const age = now() - Number(timestamp);
    if (age > tolerance) return fail('stale-timestamp');
    if (age < -tolerance) return fail('future-timestamp');
    // Some proxies turn the base64 '+' into a space; '+' never legitimately becomes a space.
    const signature = header.includes(' ') ? header.replaceAll(' ', '+') : header;
    // Length is all we check up front: the constant-time comparison against our canonical base64
    // decides the rest (a non-base64 character can only ever equal a character of the true value).
    if (signature.length !== BASE64_SHA256_LENGTH) return fail('bad-signature');
    if (request.url !== lastUrl) {
      lastDecoded = decodeHubSpotUri(request.url);
      lastUrl = request.url;
    }
    const decoded = lastDecoded;
    for (let i = 0; i < keys.length; i++) {
      if (v3Matches(keys[i] as KeyObject, request.method + decoded, request.body, timestamp, signature)) {
        return matched(i);
      }
    }
    // HubSpot documents signing the decoded URI; accept the URI as sent too, in case it did not decode.
    if (decoded !== request.url) {
      for (let i = 0; i < keys.length; i++) {
        if (
          v3Matches(keys[i] as KeyObject, request.method + request.url, request.body, timestamp, signature)
        ) {
          return matched(i);
        }
      }
    }
    return fail('bad-signature');
  };
}

/**
 * One HMAC over method + URI, the raw body bytes, then the timestamp. Feeding the bytes as they
 * are beats building one string: that would copy and re-encode the whole body.
 */
function v3Matches(
  key: KeyObject,
  prefix: string,
  body: Uint8Array,
  timestamp: string,
  signature: string,
): boolean {
  const mac = createHmac('sha256', key).update(prefix).update(body).update(timestamp).digest('base64');
  return equalBase64Sha256(mac, signature);
}

// One scratch buffer for the comparison, viewed as two halves: verification is synchronous, so it
// serves every call. On Node 20, digest('base64') plus one latin1 write is cheaper than digest()
// into a fresh Buffer plus a base64 decode of the header.
const scratch = Buffer.alloc(2 * BASE64_SHA256_LENGTH);
const macHalf = scratch.subarray(0, BASE64_SHA256_LENGTH);
const signatureHalf = scratch.subarray(BASE64_SHA256_LENGTH);

/** Constant-time equality of our 44-character base64 MAC and a 44-character header value. */
function equalBase64Sha256(mac: string, signature: string): boolean {
  scratch.write(mac + signature, 0, 'latin1');
  return timingSafeEqual(macHalf, signatureHalf);
}

/**
 * v1: hex(SHA-256(secret + body)); v2: hex(SHA-256(secret + method + uri + body)), the URI exactly
 * as sent. Plain hashes with the secret as a prefix and no timestamp: replays are caught only by the
 * worker's event dedupe, which keeps entries long for these schemes.
 */
function hubspotV1V2(version: 'v1' | 'v2', secrets: string[]): Verifier {
  // A hash already fed the secret; copy() per request skips re-hashing it.
  const states: Hash[] = secrets.map((s) => createHash('sha256').update(s, 'utf8'));
  return (request: SignedRequest) => {
    const signature = request.header('x-hubspot-signature');
    if (!signature) return fail('missing-signature');
    if (!HEX64.test(signature)) return fail('bad-signature');
    const expected = Buffer.from(signature, 'hex');
    for (let i = 0; i < states.length; i++) {
      const hash = (states[i] as Hash).copy();
      if (version === 'v2') hash.update(request.method).update(request.url);
      if (timingSafeEqual(hash.update(request.body).digest(), expected)) return matched(i);
    }
    return fail('bad-signature');
  };
}

/** Standard Webhooks v1: HMAC over `{id}.{timestamp}.{body}`, timestamp in seconds, several signatures allowed. */
function standardWebhooks(secrets: string[], tolerance: number, now: () => number): Verifier {
  const keys = secrets.map((s) =>
    createSecretKey(Buffer.from(s.startsWith('whsec_') ? s.slice(6) : s, 'base64')),
  );
  return (request: SignedRequest) => {
    const header = request.header('webhook-signature');
    if (!header) return fail('missing-signature');
    const id = request.header('webhook-id');
    if (!id) return fail('missing-webhook-id');
    const timestamp = request.header('webhook-timestamp');
    if (!timestamp) return fail('missing-timestamp');
    if (!isDigits(timestamp)) return fail('malformed-timestamp');
    const seconds = Number(timestamp);
    const age = now() - seconds * 1000;
    if (age > tolerance) return fail('stale-timestamp');
    if (age < -tolerance) return fail('future-timestamp');
    const candidates: Buffer[] = [];
    for (const entry of header.split(' ')) {
      if (!entry.startsWith('v1,')) continue; // other versions (v1a asymmetric) are not ours
      const bytes = Buffer.from(entry.slice(3), 'base64');
      if (bytes.length === SHA256_BYTES) candidates.push(bytes);
    }
    if (candidates.length === 0) return fail('bad-signature');
    const prefix = `${id}.${seconds}.`;
    for (let i = 0; i < keys.length; i++) {
      const mac = createHmac('sha256', keys[i] as KeyObject)
        .update(prefix)
        .update(request.body)
        .digest();
      for (const candidate of candidates) if (timingSafeEqual(mac, candidate)) return matched(i);
    }
    return fail('bad-signature');
  };
}

/** hex(HMAC-SHA256(secret, body)) in a named header, with or without a `sha256=` prefix. No timestamp. */
function hmacHex(header: string, secrets: string[]): Verifier {
  const keys = secrets.map((s) => createSecretKey(Buffer.from(s, 'utf8')));
  return (request: SignedRequest) => {
    const raw = request.header(header);
    if (!raw) return fail('missing-signature');
    const hex = raw.startsWith('sha256=') ? raw.slice(7) : raw;
    if (!HEX64.test(hex)) return fail('bad-signature');
    const expected = Buffer.from(hex, 'hex');
    for (let i = 0; i < keys.length; i++) {
      const mac = createHmac('sha256', keys[i] as KeyObject)
        .update(request.body)
        .digest();
      if (timingSafeEqual(mac, expected)) return matched(i);
    }
    return fail('bad-signature');
  };
}
