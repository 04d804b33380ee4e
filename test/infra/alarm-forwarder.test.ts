// The alarm forwarder against a real Notification Centre over HTTP and a local Slack receiver: a
// CloudWatch alarm notification (as SNS hands it to Lambda) becomes one centre alert sent to the
// client's channel — once, however often SNS redelivers — and one message on the spec's Slack webhook.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmFrom, forwardAlarms, type SnsEvent } from '../../infra/src/alarm-forwarder/handler.ts';
import {
  memoryNotifier,
  type RunningNotificationCentre,
  startNotificationCentre,
} from '../../notification-centre/src/index.ts';

const KEY = 'nc-key-for-the-alarm-test-0123456789';
const notifier = memoryNotifier();
let nc: RunningNotificationCentre;
let slack: http.Server;
let slackUrl: string;
const slackBodies: Array<{ text: string }> = [];

beforeAll(async () => {
  nc = await startNotificationCentre({
    notifier,
    logSink: () => {},
    detectEverySeconds: 0,
    config: {
      clients: [{ slug: 'velflex', name: 'Velflex' }],
      integrations: [{ id: 'velflex-attendees', clientSlug: 'velflex', name: 'Velflex attendees', key: KEY }],
    },
  });
  slack = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      slackBodies.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', () => resolve()));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T/B/X`;
});
afterAll(async () => {
  await nc.close();
  await new Promise((resolve) => slack.close(resolve));
});

function snsEvent(state: 'ALARM' | 'OK', at: string): SnsEvent {
  return {
    Records: [
      {
        Sns: {
          Timestamp: at,
          Message: JSON.stringify({
            AlarmName: 'kongo-velflex-attendees-sandbox-DeadLettersPresentAlarm12AB',
            NewStateValue: state,
            NewStateReason:
              'Threshold Crossed: 1 datapoint [3.0 (06/12/26 05:00:00)] was greater than or equal to the threshold (1.0).',
            StateChangeTime: at,
          }),
        },
      },
    ],
  };
}

const secrets = (values: Record<string, string>) => ({ get: async (name: string) => values[name] });

describe('alarm forwarder', () => {
  it('files an alarm with the centre once per state change, and posts it to the Slack webhook', async () => {
    const deps = {
      secrets: secrets({ '/kongo/nc-url': nc.url, '/velflex/nc-key': KEY, '/velflex/alarm-slack': slackUrl }),
      fetch,
      integration: 'velflex-attendees',
      ncUrlParameter: '/kongo/nc-url',
      ncKeyParameter: '/velflex/nc-key',
      slackWebhookParameter: '/velflex/alarm-slack',
    };
    const event = snsEvent('ALARM', '2026-12-06T05:00:00.000Z');
    expect(await forwardAlarms(event, deps)).toBe(1);
    expect(await forwardAlarms(event, deps)).toBe(1); // SNS redelivered it
    await forwardAlarms(snsEvent('OK', '2026-12-06T05:10:00.000Z'), deps);

    const alarms = notifier.sent.filter((m) => m.text.includes('CloudWatch alarm'));
    expect(alarms.map((m) => m.client)).toEqual(['velflex', 'velflex']);
    expect(alarms[0]?.text).toContain('DeadLettersPresentAlarm12AB` is in ALARM since 05:00:00 UTC');
    expect(alarms[1]?.text).toContain('is OK again');
    const detail = (await (await fetch(`${nc.url}/api/integrations/velflex-attendees`)).json()) as {
      alerts: Array<{ kind: string }>;
    };
    expect(detail.alerts.filter((a) => a.kind === 'cloudwatch-alarm')).toHaveLength(2);
    expect(slackBodies.map((b) => b.text)).toEqual([
      expect.stringMatching(
        /^:rotating_light: velflex-attendees: CloudWatch alarm .+ is ALARM — Threshold Crossed/,
      ),
      expect.stringMatching(/^:rotating_light: velflex-attendees: .+ is ALARM/),
      expect.stringMatching(/^:white_check_mark: .+ is OK/),
    ]);
  });

  it('fails loudly (so Lambda retries) when the centre refuses the key, naming a missing parameter', async () => {
    const deps = {
      secrets: secrets({ '/kongo/nc-url': nc.url, '/velflex/nc-key': 'wrong-key-wrong-key-wrong-key' }),
      fetch,
      integration: 'velflex-attendees',
      ncUrlParameter: '/kongo/nc-url',
      ncKeyParameter: '/velflex/nc-key',
    };
    await expect(forwardAlarms(snsEvent('ALARM', '2026-12-06T06:00:00.000Z'), deps)).rejects.toThrow(
      /\/api\/alarms answered 401/,
    );
    await expect(
      forwardAlarms(snsEvent('ALARM', '2026-12-06T06:00:00.000Z'), { ...deps, secrets: secrets({}) }),
    ).rejects.toThrow(/needs the SSM parameter \/kongo\/nc-url/);
  });

  it('ignores SNS messages that are not CloudWatch alarm changes', () => {
    expect(alarmFrom('x', 'not json', 0)).toBeNull();
    expect(alarmFrom('x', JSON.stringify({ AlarmName: 'a', NewStateValue: 'MAYBE' }), 0)).toBeNull();
  });
});
