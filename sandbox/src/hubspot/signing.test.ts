// The simulator's own HubSpot signing code against the published vectors (REFERENCE.md §1) and the official client.
import { Signature } from '@hubspot/api-client';
import { createVerifier } from '@kongo/runtime/verify';
import { describe, expect, it } from 'vitest';
import { signatureHeaders, signV1, signV2, signV3, v3SigningUri } from './index.ts';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';

describe('HubSpot signatures', () => {
  it('reproduces the published v1 vector', () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    expect(signV1(SECRET, body)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
  });

  it('reproduces both published v2 vectors', () => {
    expect(signV2(SECRET, 'GET', 'https://www.example.com/webhook_uri', '')).toBe(
      'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
    );
    expect(
      signV2(SECRET, 'POST', 'https://www.example.com/webhook_uri', '{"example_field":"example_value"}'),
    ).toBe('9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900');
  });

  it('reproduces the v3 vector', () => {
    expect(
      signV3(
        SECRET,
        'POST',
        'https://www.example.com/webhook_uri',
        '{"example_field":"example_value"}',
        1700000000000,
      ),
    ).toBe('rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=');
  });

  it('produces v3 headers that Signature.isValid from @hubspot/api-client accepts, and a tampered body it rejects', () => {
    const url = 'http://127.0.0.1:3999/webhooks/velflex/hubspot?x=1';
    const rawBody = '[{"eventId":7,"objectId":1001}]';
    const timestampMs = Date.now();
    const headers = signatureHeaders({ clientSecret: 'shh', method: 'POST', uri: url, rawBody, timestampMs });
    const check = (requestBody: string) =>
      Signature.isValid({
        signatureVersion: 'v3',
        signature: headers['X-HubSpot-Signature-v3'] ?? '',
        clientSecret: 'shh',
        requestBody,
        url,
        method: 'POST',
        timestamp: Number(headers['X-HubSpot-Request-Timestamp']),
      });
    expect(check(rawBody)).toBe(true);
    expect(check(rawBody.replace('1001', '1002'))).toBe(false);
  });

  it('signs v3 over the URI with only HubSpot’s escapes decoded, which the runtime verifier reproduces', () => {
    const sent = 'https://hooks.example.com/h?next=%2Fdeals%3Fa%3D1&name=J%C3%BCrgen%20K';
    expect(v3SigningUri(sent)).toBe('https://hooks.example.com/h?next=/deals?a%3D1&name=J%C3%BCrgen%20K');
    const rawBody = '[]';
    const timestampMs = Date.now();
    const headers = signatureHeaders({
      clientSecret: 'shh',
      method: 'POST',
      uri: sent,
      rawBody,
      timestampMs,
    });
    expect(headers['X-HubSpot-Signature-v3']).toBe(
      signV3('shh', 'POST', v3SigningUri(sent), rawBody, timestampMs),
    );
    const verify = createVerifier({ type: 'hubspot', version: 'v3' }, ['shh']);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(
      verify({ method: 'POST', url: sent, body: new TextEncoder().encode(rawBody), header: (n) => lower[n] }),
    ).toEqual({ ok: true, secret: 'current' });
  });

  it('adds the legacy header in the version the app asks for', () => {
    const base = {
      clientSecret: SECRET,
      method: 'POST',
      uri: 'https://www.example.com/webhook_uri',
      rawBody: '{"example_field":"example_value"}',
      timestampMs: 1,
    };
    expect(signatureHeaders({ ...base, legacy: 'v2' })).toMatchObject({
      'X-HubSpot-Signature': '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900',
      'X-HubSpot-Signature-Version': 'v2',
    });
    expect(signatureHeaders({ ...base, legacy: 'v1' })['X-HubSpot-Signature-Version']).toBe('v1');
    expect(signatureHeaders(base)['X-HubSpot-Signature']).toBeUndefined();
  });
});
