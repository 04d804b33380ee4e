import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacyRecipe } from '../connector/legacy.ts';
import type { SignatureRecipe } from '../connector/types.ts';
import { createRecipeVerifier } from './recipe.ts';
import type { SignedRequest } from './types.ts';

const request = (
  body: string,
  headers: Record<string, string>,
  url = 'https://hooks.example.com/webhooks/x/destination',
): SignedRequest => ({
  method: 'POST',
  url,
  body: Buffer.from(body),
  header: (name) => headers[name],
});

describe('signature recipes against vectors computed outside Kongo', () => {
  it('Standard Webhooks (the spec’s published vector), as the legacy recipe describes it', () => {
    const recipe = legacyRecipe({ scheme: 'standard-webhooks', secretParameter: '/x' });
    const ts = 1614265330;
    const verify = createRecipeVerifier(recipe, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {
      now: () => ts * 1000,
    });
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': String(ts),
      'webhook-signature': 'v1,bm9ldHZhbGlk v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    expect(verify(request('{"test": 2432232314}', headers))).toEqual({ ok: true, secret: 'current' });
    expect(verify(request('{"test": 2432232315}', headers))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request('{"test": 2432232314}', { ...headers, 'webhook-signature': '' }))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    const { 'webhook-id': _id, ...noId } = headers;
    expect(verify(request('{"test": 2432232314}', noId))).toEqual({ ok: false, reason: 'missing-header' });
    const stale = createRecipeVerifier(recipe, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {
      now: () => (ts + 301) * 1000,
    });
    expect(stale(request('{"test": 2432232314}', headers))).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('GitHub’s published sha256= vector', () => {
    const recipe: SignatureRecipe = {
      type: 'hmac',
      header: 'x-hub-signature-256',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'sha256=',
      payload: '{body}',
    };
    const verify = createRecipeVerifier(recipe, ["It's a Secret to Everybody"]);
    const good = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    };
    expect(verify(request('Hello, World!', good)).ok).toBe(true);
    expect(verify(request('Hello, World?', good))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(
      verify(request('Hello, World!', { 'x-hub-signature-256': good['x-hub-signature-256'].slice(7) })),
    ).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request('Hello, World!', {}))).toEqual({ ok: false, reason: 'missing-signature' });
  });

  it('accepts the previous secret during a rotation and says so', () => {
    const recipe: SignatureRecipe = {
      type: 'hmac',
      header: 'x-sig',
      algorithm: 'sha512',
      encoding: 'base64',
      payload: '{method} {url}|{body}',
    };
    const url = 'https://hooks.example.com/w?x=1';
    const sig = createHmac('sha512', 'old').update(`POST ${url}|{}`).digest('base64');
    const verify = createRecipeVerifier(recipe, ['new', 'old']);
    expect(verify(request('{}', { 'x-sig': sig }, url))).toEqual({ ok: true, secret: 'previous' });
  });

  it('checks an unsigned secret URL token in constant time', () => {
    const verify = createRecipeVerifier({ type: 'url-token', param: 'token' }, ['s3cret-token-1234']);
    expect(verify(request('', {}, 'https://h.example.com/w?token=s3cret-token-1234')).ok).toBe(true);
    expect(verify(request('', {}, 'https://h.example.com/w?token=s3cret-token-1235'))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(request('', {}, 'https://h.example.com/w'))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });
});
