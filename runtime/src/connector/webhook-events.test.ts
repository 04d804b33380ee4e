import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from './webhook-events.ts';

const FORM = { bodyFormat: 'form' as const, jsonFields: ['entry'] };
const entry = [{ uuid: 'a1', changed_fields: ['status'] }];

describe('parseWebhookBody', () => {
  it('reads a form body with its JSON fields as the connector says', () => {
    const text = new URLSearchParams({ object: 'job', entry: JSON.stringify(entry) }).toString();
    expect(parseWebhookBody(FORM, text)).toEqual({ ok: true, body: { object: 'job', entry } });
  });

  it('reads a JSON body of a form connector when the request says application/json', () => {
    const text = JSON.stringify({ object: 'job', entry });
    expect(parseWebhookBody(FORM, text, 'application/json; charset=utf-8')).toEqual({
      ok: true,
      body: { object: 'job', entry },
    });
    // Without the header the connector's format decides: the JSON text is one meaningless form key.
    const asForm = parseWebhookBody(FORM, text);
    expect(asForm.ok && asForm.body.entry).toBe(undefined);
  });

  it('reads a form body of a JSON connector when the request says it is a form', () => {
    const text = new URLSearchParams({ event: 'x' }).toString();
    expect(parseWebhookBody({ bodyFormat: 'json' }, text, 'application/x-www-form-urlencoded')).toEqual({
      ok: true,
      body: { event: 'x' },
    });
    expect(parseWebhookBody({ bodyFormat: 'json' }, text, 'text/plain')).toEqual({
      ok: false,
      reason: 'not-json',
    });
  });
});
