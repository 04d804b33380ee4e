import { createHash, createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client/lib/src/utils/signature';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { decodeHubSpotUri } from './hubspot-uri.ts';
import type { SignedRequest } from './types.ts';
import { createVerifier } from './verifier.ts';

const HUBSPOT_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://www.example.com/webhook_uri';
const NOW = 1_700_000_000_000;

function request(
  parts: Partial<Omit<SignedRequest, 'header'>> & { headers?: Record<string, string> },
): SignedRequest {
  const headers = parts.headers ?? {};
  return {
    method: parts.method ?? 'POST',
    url: parts.url ?? URI,
    body: parts.body ?? Buffer.from(''),
    header: (name) => headers[name],
  };
}

function v3Signature(secret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

describe('HubSpot v1 and v2 (published vectors)', () => {
  it('accepts the published v1 vector', () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const verify = createVerifier({ type: 'hubspot', version: 'v1' }, [HUBSPOT_SECRET]);
    const headers = {
      'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    };
    expect(verify(request({ body: Buffer.from(body), headers }))).toEqual({ ok: true, secret: 'current' });
    expect(verify(request({ body: Buffer.from(`${body} `), headers }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('accepts the published v2 vectors for GET with an empty body and POST with a body', () => {
    const verify = createVerifier({ type: 'hubspot', version: 'v2' }, [HUBSPOT_SECRET]);
    const get = { 'x-hubspot-signature': 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e' };
    const post = {
      'x-hubspot-signature': '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900',
    };
    const body = Buffer.from('{"example_field":"example_value"}');
    expect(verify(request({ method: 'GET', headers: get })).ok).toBe(true);
    expect(verify(request({ method: 'POST', body, headers: post })).ok).toBe(true);
    expect(verify(request({ method: 'POST', body, headers: get })).ok).toBe(false);
    expect(verify(request({ method: 'POST', url: `${URI}?x=1`, body, headers: post })).ok).toBe(false);
  });

  it('rejects a missing or non-hex v1 signature', () => {
    const verify = createVerifier({ type: 'hubspot', version: 'v1' }, [HUBSPOT_SECRET]);
    expect(verify(request({}))).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verify(request({ headers: { 'x-hubspot-signature': 'zz' } }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
});

describe('HubSpot v3', () => {
  const body = '{"example_field":"example_value"}';
  const v3 = createVerifier({ type: 'hubspot', version: 'v3' }, [HUBSPOT_SECRET], { now: () => NOW });
  const headersFor = (signature: string, timestamp: number | string = NOW) => ({
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': String(timestamp),
  });

  it('accepts the reference v3 vector', () => {
    const headers = headersFor('rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=');
    expect(v3(request({ body: Buffer.from(body), headers }))).toEqual({ ok: true, secret: 'current' });
  });

  it('tolerates a + that arrived as a space', () => {
    const headers = headersFor('rQEKkaNUiu 1qGF//O/pw4BCzstSqO1PyUnGICmf 7o=');
    expect(v3(request({ body: Buffer.from(body), headers })).ok).toBe(true);
  });

  it('rejects timestamps more than 5 minutes old or ahead, and accepts the edges', () => {
    const at = (ts: number) =>
      v3(
        request({
          body: Buffer.from(body),
          headers: headersFor(v3Signature(HUBSPOT_SECRET, 'POST', URI, body, ts), ts),
        }),
      );
    expect(at(NOW - 300_000)).toEqual({ ok: true, secret: 'current' });
    expect(at(NOW + 300_000)).toEqual({ ok: true, secret: 'current' });
    expect(at(NOW - 300_001)).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(at(NOW + 300_001)).toEqual({ ok: false, reason: 'future-timestamp' });
  });

  it('names what is missing or malformed', () => {
    const sig = v3Signature(HUBSPOT_SECRET, 'POST', URI, body, NOW);
    expect(v3(request({}))).toEqual({ ok: false, reason: 'missing-signature' });
    expect(v3(request({ headers: { 'x-hubspot-signature-v3': sig } }))).toEqual({
      ok: false,
      reason: 'missing-timestamp',
    });
    expect(v3(request({ headers: headersFor(sig, '17e11') }))).toEqual({
      ok: false,
      reason: 'malformed-timestamp',
    });
    expect(v3(request({ headers: headersFor('c2hvcnQ=') }))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(v3(request({ headers: headersFor('Ł'.repeat(44)) }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a v1 downgrade: a valid v1 signature does not satisfy a v3 spec', () => {
    const v1 = createHash('sha256')
      .update(HUBSPOT_SECRET + body)
      .digest('hex');
    const headers = { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' };
    expect(v3(request({ body: Buffer.from(body), headers }))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });

  it('signs the URI after HubSpot’s decoding, and also accepts the URI as sent', () => {
    const sent = `${URI}?from=a%40b.com&path=%2Fx%3Bq%20r`;
    const decoded = `${URI}?from=a@b.com&path=/x;q%20r`;
    expect(decodeHubSpotUri(sent)).toBe(decoded);
    const ok = (signedUri: string) =>
      v3(
        request({
          url: sent,
          body: Buffer.from(body),
          headers: headersFor(v3Signature(HUBSPOT_SECRET, 'POST', signedUri, body, NOW)),
        }),
      );
    expect(ok(decoded).ok).toBe(true);
    expect(ok(sent).ok).toBe(true);
    expect(ok(`${URI}?from=a@b.com&path=/x;q r`).ok).toBe(false);
  });

  it('decodes exactly the twelve escapes HubSpot lists, in either case', () => {
    expect(decodeHubSpotUri('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(":/?@!$'()*,;");
    expect(decodeHubSpotUri('%3a%2f%3b')).toBe(':/;');
    expect(decodeHubSpotUri('%20%25%26%3D%2B%23')).toBe('%20%25%26%3D%2B%23');
  });

  it('accepts the previous secret during a rotation and says which one matched', () => {
    const rotating = createVerifier({ type: 'hubspot', version: 'v3' }, ['new-secret', HUBSPOT_SECRET], {
      now: () => NOW,
    });
    const sign = (secret: string) =>
      rotating(
        request({
          body: Buffer.from(body),
          headers: headersFor(v3Signature(secret, 'POST', URI, body, NOW)),
        }),
      );
    expect(sign('new-secret')).toEqual({ ok: true, secret: 'current' });
    expect(sign(HUBSPOT_SECRET)).toEqual({ ok: true, secret: 'previous' });
    expect(sign('older-secret')).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('signs the raw bytes, even when they are not UTF-8', () => {
    const raw = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const mac = createHmac('sha256', HUBSPOT_SECRET)
      .update(`POST${URI}`)
      .update(raw)
      .update(String(NOW))
      .digest('base64');
    expect(v3(request({ body: raw, headers: headersFor(mac) })).ok).toBe(true);
    const lossy = Buffer.from(raw.toString('utf8')); // U+FFFD replacements: not the signed bytes
    expect(v3(request({ body: lossy, headers: headersFor(mac) })).ok).toBe(false);
  });

  it('reports no-secret when none is configured', () => {
    expect(createVerifier({ type: 'hubspot', version: 'v3' }, [])(request({}))).toEqual({
      ok: false,
      reason: 'no-secret',
    });
  });

  it('agrees with Signature.isValid from @hubspot/api-client on arbitrary bodies, URIs and methods (v1, v2, v3)', () => {
    const now = Date.now();
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.webPath(),
        fc.constantFrom('POST', 'GET', 'PUT'),
        fc.integer({ min: -240_000, max: 240_000 }),
        fc.boolean(),
        (body, path, method, skew, tamper) => {
          // isValid does no URI decoding, so keep URIs free of the escapes HubSpot decodes.
          const url = `https://hooks.example.com${path}`.replace(/%/g, '');
          const timestamp = now + Math.min(skew, 0); // isValid accepts any future time; we do not.
          for (const version of ['v1', 'v2', 'v3'] as const) {
            const signature = Signature.getSignature(method, version, {
              signature: '',
              clientSecret: HUBSPOT_SECRET,
              requestBody: body,
              url,
              timestamp,
            });
            const sent = tamper ? signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) : signature;
            const theirs = Signature.isValid({
              signature: sent,
              clientSecret: HUBSPOT_SECRET,
              requestBody: body,
              signatureVersion: version,
              url,
              method,
              timestamp,
            });
            const headers: Record<string, string> =
              version === 'v3'
                ? { 'x-hubspot-signature-v3': sent, 'x-hubspot-request-timestamp': String(timestamp) }
                : { 'x-hubspot-signature': sent };
            const ours = createVerifier({ type: 'hubspot', version }, [HUBSPOT_SECRET], { now: () => now })(
              request({ method, url, body: Buffer.from(body, 'utf8'), headers }),
            );
            expect(ours.ok).toBe(theirs);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Standard Webhooks', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const vector = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const body = Buffer.from('{"test": 2432232314}');
  const at = (ms: number) => createVerifier({ type: 'standard-webhooks' }, [secret], { now: () => ms });

  it('accepts the published vector and rejects it with a changed body', () => {
    expect(at(1614265330_000)(request({ body, headers: vector }))).toEqual({ ok: true, secret: 'current' });
    expect(at(1614265330_000)(request({ body: Buffer.from('{"test": 1}'), headers: vector })).ok).toBe(false);
  });

  it('accepts one matching signature among several, skipping other versions', () => {
    const headers = {
      ...vector,
      'webhook-signature': `v1a,abc v1,${'A'.repeat(43)}= ${vector['webhook-signature']}`,
    };
    expect(at(1614265330_000)(request({ body, headers })).ok).toBe(true);
  });

  it('enforces ±5 minutes', () => {
    expect(at(1614265330_000 + 300_001)(request({ body, headers: vector }))).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(at(1614265330_000 - 300_001)(request({ body, headers: vector }))).toEqual({
      ok: false,
      reason: 'future-timestamp',
    });
  });

  it('names missing headers', () => {
    const verify = at(1614265330_000);
    const { 'webhook-id': _id, ...noId } = vector;
    const { 'webhook-timestamp': _ts, ...noTs } = vector;
    expect(verify(request({ body, headers: noId }))).toEqual({ ok: false, reason: 'missing-webhook-id' });
    expect(verify(request({ body, headers: noTs }))).toEqual({ ok: false, reason: 'missing-timestamp' });
    expect(verify(request({ body }))).toEqual({ ok: false, reason: 'missing-signature' });
  });

  it('agrees with the standardwebhooks package on arbitrary payloads, both ways', () => {
    const webhook = new Webhook(secret);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,20}$/),
        (payload, id) => {
          const date = new Date();
          const signature = webhook.sign(id, date, payload);
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
            'webhook-signature': signature,
          };
          expect(
            createVerifier({ type: 'standard-webhooks' }, [secret])(
              request({ body: Buffer.from(payload), headers }),
            ).ok,
          ).toBe(true);
          expect(() => webhook.verify(payload, headers, { jsonParse: false })).not.toThrow();
          const tampered = { ...headers, 'webhook-id': `${id}x` };
          expect(
            createVerifier({ type: 'standard-webhooks' }, [secret])(
              request({ body: Buffer.from(payload), headers: tampered }),
            ).ok,
          ).toBe(false);
          expect(() => webhook.verify(payload, tampered, { jsonParse: false })).toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('hmac-sha256-hex', () => {
  const secret = "It's a Secret to Everybody";
  const body = Buffer.from('Hello, World!');
  const hex = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('accepts the published GitHub vector with and without the sha256= prefix, in the configured header', () => {
    const verify = createVerifier({ type: 'hmac-sha256-hex', header: 'X-Hub-Signature-256' }, [secret]);
    expect(verify(request({ body, headers: { 'x-hub-signature-256': `sha256=${hex}` } })).ok).toBe(true);
    expect(verify(request({ body, headers: { 'x-hub-signature-256': hex } })).ok).toBe(true);
    expect(verify(request({ body, headers: { 'x-jobs-signature': hex } }))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    expect(
      verify(request({ body: Buffer.from('Hello, World?'), headers: { 'x-hub-signature-256': hex } })),
    ).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('accepts the previous secret during a rotation', () => {
    const verify = createVerifier({ type: 'hmac-sha256-hex', header: 'x-jobs-signature' }, ['next', secret]);
    expect(verify(request({ body, headers: { 'x-jobs-signature': hex } }))).toEqual({
      ok: true,
      secret: 'previous',
    });
  });
});
