/**
 * Signature verification from a connector's recipe: an HMAC (SHA-1/256/512) over a signed-payload
 * template (`v0:{header.x-zm-request-timestamp}:{body}`, `{header.webhook-id}.{header.webhook-timestamp}.{body}`),
 * hex or base64, an optional prefix, several signatures in one header, a timestamp header with a
 * tolerance — or an unsigned secret URL token. Same rules as the built-in schemes: raw bytes, constant
 * time, current and previous secret, expected failures as values. No provider name appears here.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { SignatureRecipe, UrlTokenRecipe } from '../connector/types.ts';
import type { SignedRequest, Verifier, VerifyResult } from './types.ts';

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

function fail(reason: Extract<VerifyResult, { ok: false }>['reason']): VerifyResult {
  return { ok: false, reason };
}
function matched(index: number): VerifyResult {
  return { ok: true, secret: index === 0 ? 'current' : 'previous' };
}

/** Key bytes from a secret as the recipe says (`whsec_`-prefixed base64, or UTF-8 text). */
export function recipeKey(
  recipe: Pick<SignatureRecipe, 'secretEncoding' | 'secretPrefix'>,
  secret: string,
): KeyObject {
  const bare =
    recipe.secretPrefix && secret.startsWith(recipe.secretPrefix)
      ? secret.slice(recipe.secretPrefix.length)
      : secret;
  return createSecretKey(Buffer.from(bare, recipe.secretEncoding === 'base64' ? 'base64' : 'utf8'));
}

/** The payload template split into literal text and request parts, once per verifier. */
type Part =
  | { kind: 'text'; text: string }
  | { kind: 'body' }
  | { kind: 'method' }
  | { kind: 'url' }
  | { kind: 'header'; name: string };
function compilePayload(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(body|method|url|header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+)\}/g)) {
    if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
    const name = match[1] ?? '';
    parts.push(
      name === 'body' || name === 'method' || name === 'url'
        ? { kind: name }
        : { kind: 'header', name: name.slice('header.'.length).toLowerCase() },
    );
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/**
 * Builds a verifier for a connector's recipe accepting any of `secrets` (current first).
 * @example
 * const verify = createRecipeVerifier(connector.webhooks.verify, [secret]);
 * verify({ method: 'POST', url, body, header: (n) => req.headers.get(n) }).ok
 */
export function createRecipeVerifier(
  recipe: SignatureRecipe | UrlTokenRecipe,
  secrets: readonly string[],
  options: { now?: () => number } = {},
): Verifier {
  const usable = secrets.filter((s) => s.length > 0);
  if (usable.length === 0) return () => fail('no-secret');
  if (recipe.type === 'url-token') return urlToken(recipe, usable);
  return hmacRecipe(recipe, usable, options.now ?? Date.now);
}

function urlToken(recipe: UrlTokenRecipe, secrets: string[]): Verifier {
  const expected = secrets.map((s) => Buffer.from(s, 'utf8'));
  return (request: SignedRequest) => {
    let token: string | null;
    try {
      token = new URL(request.url).searchParams.get(recipe.param);
    } catch {
      token = null;
    }
    if (!token) return fail('missing-signature');
    const given = Buffer.from(token, 'utf8');
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i] as Buffer;
      if (given.length === want.length && timingSafeEqual(given, want)) return matched(i);
    }
    return fail('bad-signature');
  };
}

function hmacRecipe(recipe: SignatureRecipe, secrets: string[], now: () => number): Verifier {
  const keys = secrets.map((s) => recipeKey(recipe, s));
  const parts = compilePayload(recipe.payload);
  const header = recipe.header.toLowerCase();
  const bytes = DIGEST_BYTES[recipe.algorithm];
  const prefix = recipe.prefix ?? '';
  return (request: SignedRequest) => {
    const raw = request.header(header);
    if (!raw) return fail('missing-signature');
    if (recipe.timestamp) {
      const value = request.header(recipe.timestamp.header.toLowerCase());
      if (!value) return fail('missing-timestamp');
      if (!/^\d{1,16}$/.test(value)) return fail('malformed-timestamp');
      const ms = recipe.timestamp.unit === 's' ? Number(value) * 1000 : Number(value);
      const age = now() - ms;
      const tolerance = recipe.timestamp.toleranceSeconds * 1000;
      if (age > tolerance) return fail('stale-timestamp');
      if (age < -tolerance) return fail('future-timestamp');
    }
    // Every header the payload names must be there: a missing one can't be signed over.
    const headerValues = new Map<string, string>();
    for (const part of parts) {
      if (part.kind !== 'header') continue;
      const value = request.header(part.name);
      if (value === null || value === undefined || value === '') return fail('missing-header');
      headerValues.set(part.name, value);
    }
    const candidates: Buffer[] = [];
    for (const entry of recipe.separator ? raw.split(recipe.separator) : [raw]) {
      const trimmed = entry.trim();
      if (!trimmed.startsWith(prefix)) continue;
      const text = trimmed.slice(prefix.length);
      const decoded =
        recipe.encoding === 'hex'
          ? /^[0-9a-fA-F]+$/.test(text)
            ? Buffer.from(text, 'hex')
            : Buffer.alloc(0)
          : Buffer.from(text.replaceAll(' ', '+'), 'base64');
      if (decoded.length === bytes) candidates.push(decoded);
    }
    if (candidates.length === 0) return fail('bad-signature');
    for (let i = 0; i < keys.length; i++) {
      const mac = createHmac(recipe.algorithm, keys[i] as KeyObject);
      for (const part of parts) {
        if (part.kind === 'text') mac.update(part.text);
        else if (part.kind === 'body') mac.update(request.body);
        else if (part.kind === 'method') mac.update(request.method);
        else if (part.kind === 'url') mac.update(request.url);
        else mac.update(headerValues.get(part.name) ?? '');
      }
      const digest = mac.digest();
      for (const candidate of candidates) if (timingSafeEqual(digest, candidate)) return matched(i);
    }
    return fail('bad-signature');
  };
}

/** HMAC of a plain value with the recipe's algorithm and encoding (handshake answers such as URL validation). */
export function recipeHmac(recipe: SignatureRecipe, secret: string, value: string): string {
  return createHmac(recipe.algorithm, recipeKey(recipe, secret)).update(value).digest(recipe.encoding);
}
