import { IncomingWebhook } from '@slack/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackReceiver, startSlackReceiver } from './index.ts';

describe('Slack receiver', () => {
  let slack: SlackReceiver;
  beforeAll(async () => {
    slack = await startSlackReceiver();
  });
  afterAll(async () => {
    await slack.close();
  });

  const post = (body: string, path = '/services/T/B/x') =>
    fetch(`${slack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('accepts a message from @slack/webhook and answers "ok" like Slack', async () => {
    const hook = new IncomingWebhook(slack.webhookUrl('velflex'));
    const result = await hook.send({ text: 'Velflex Integration is down', blocks: [{ type: 'divider' }] });
    expect(result.text).toBe('ok');
    const [message] = await slack.waitFor(1);
    expect(message).toMatchObject({
      path: '/services/T00000000/B00000000/velflex',
      text: 'Velflex Integration is down',
    });
    expect(message?.blocks).toEqual([{ type: 'divider' }]);
  });

  it('answers 400 invalid_payload to a body that is not a JSON object', async () => {
    for (const body of ['{not json', '[1,2]', '"text"', '{"text": 5}']) {
      const res = await post(body);
      expect([res.status, await res.text()]).toEqual([400, 'invalid_payload']);
    }
  });

  it('answers 400 no_text when there is nothing to show', async () => {
    for (const body of ['{}', '{"text": ""}', '{"blocks": []}']) {
      const res = await post(body);
      expect([res.status, await res.text()]).toEqual([400, 'no_text']);
    }
  });

  it('accepts blocks or attachments without text, and records nothing it rejected', async () => {
    slack.clear();
    await post('{}');
    expect((await post('{"attachments":[{"color":"#f00","text":"x"}]}')).status).toBe(200);
    expect(slack.messages).toHaveLength(1);
  });

  it('can fail the next posts, which @slack/webhook reports as an HTTP error', async () => {
    slack.failNext(1, 500, 'internal_error');
    const hook = new IncomingWebhook(slack.webhookUrl('x'));
    await expect(hook.send('hello')).rejects.toMatchObject({ code: 'slack_webhook_http_error' });
    await expect(hook.send('hello again')).resolves.toEqual({ text: 'ok' });
  });

  it('times out a wait for messages that never come', async () => {
    await expect(slack.waitFor(99, { timeoutMs: 50 })).rejects.toThrow(/expected 99 message/);
  });
});
