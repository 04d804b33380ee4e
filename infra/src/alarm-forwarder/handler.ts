/**
 * The alarm forwarder (subscribed to the stack's alarm topic): every CloudWatch alarm state change —
 * into ALARM and back to OK — goes to the Notification Centre (`POST /api/alarms`, the integration's
 * own key, so the centre files it with the integration and alerts its client's Slack channel) and,
 * when the spec names `monitoring.alarms.slackWebhookParameter`, straight to that Slack webhook too.
 * Only the alarm's name, state, reason (CloudWatch's threshold text) and time travel: never record data.
 * A failed post throws, so Lambda's asynchronous retries (SNS invokes asynchronously) try again.
 */
import type { SecretSource } from '@kongo/runtime/secrets';
import { SsmSecretSource } from '@kongo/runtime/secrets';
import { ENV } from '../environment-variables.ts';

/** One alarm change; the centre gets it without `reason` (notification-centre/src/schema.ts `parseAlarm`). */
export interface AlarmPayload {
  v: 1;
  integrationId: string;
  alarm: { name: string; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; reason: string; at: number };
}

export interface ForwarderDeps {
  secrets: SecretSource;
  fetch: typeof fetch;
  integration: string;
  ncUrlParameter: string;
  ncKeyParameter: string;
  slackWebhookParameter?: string;
}

/** The SNS records a Lambda subscription receives (the fields used). */
export interface SnsEvent {
  Records: Array<{ Sns: { Message: string; Timestamp?: string } }>;
}

/** Reads a CloudWatch alarm notification (the JSON CloudWatch publishes to SNS). */
export function alarmFrom(integration: string, message: string, fallbackAt: number): AlarmPayload | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(message) as Record<string, unknown>;
  } catch {
    return null;
  }
  const name = body.AlarmName;
  const state = body.NewStateValue;
  if (typeof name !== 'string' || (state !== 'ALARM' && state !== 'OK' && state !== 'INSUFFICIENT_DATA'))
    return null;
  const at = typeof body.StateChangeTime === 'string' ? Date.parse(body.StateChangeTime) : Number.NaN;
  const reason = typeof body.NewStateReason === 'string' ? body.NewStateReason : '';
  return {
    v: 1,
    integrationId: integration,
    alarm: {
      name: name.slice(0, 255),
      state,
      reason: reason.slice(0, 500),
      at: Number.isNaN(at) ? fallbackAt : at,
    },
  };
}

async function post(fetchFn: typeof fetch, url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`POST ${new URL(url).host}${new URL(url).pathname} answered ${response.status}`);
}

async function parameter(secrets: SecretSource, name: string): Promise<string> {
  const value = await secrets.get(name);
  if (value === undefined || value === '')
    throw new Error(`The alarm forwarder needs the SSM parameter ${name}; put it (docs/DEPLOY.md, Secrets).`);
  return value;
}

/** Forwards every alarm in the event; returns how many were forwarded. */
export async function forwardAlarms(event: SnsEvent, deps: ForwarderDeps): Promise<number> {
  const alarms = event.Records.flatMap((record) => {
    const alarm = alarmFrom(
      deps.integration,
      record.Sns.Message,
      Date.parse(record.Sns.Timestamp ?? '') || Date.now(),
    );
    return alarm ? [alarm] : [];
  });
  if (alarms.length === 0) return 0;
  const ncUrl = (await parameter(deps.secrets, deps.ncUrlParameter)).replace(/\/+$/, '');
  const ncKey = await parameter(deps.secrets, deps.ncKeyParameter);
  const slack = deps.slackWebhookParameter ? await parameter(deps.secrets, deps.slackWebhookParameter) : null;
  for (const alarm of alarms) {
    // The centre takes the name, state and time only (its schema refuses free text it can't vet).
    const { reason: _reason, ...forCentre } = alarm.alarm;
    await post(
      deps.fetch,
      `${ncUrl}/api/alarms`,
      { ...alarm, alarm: forCentre },
      { authorization: `Bearer ${ncKey}` },
    );
    if (slack) {
      const icon = alarm.alarm.state === 'ALARM' ? ':rotating_light:' : ':white_check_mark:';
      await post(
        deps.fetch,
        slack,
        {
          text: `${icon} ${deps.integration}: CloudWatch alarm ${alarm.alarm.name} is ${alarm.alarm.state} — ${alarm.alarm.reason}`,
        },
        {},
      );
    }
  }
  return alarms.length;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`The alarm forwarder needs the environment variable ${name}.`);
  return value;
}

/** Lambda entry (SNS subscription). Clients are created per invocation: none at module load. */
export async function handler(event: SnsEvent): Promise<number> {
  const slack = process.env[ENV.alarmSlackParameter];
  return forwardAlarms(event, {
    secrets: new SsmSecretSource({ clientConfig: {} }),
    fetch,
    integration: required(ENV.integration),
    ncUrlParameter: required(ENV.ncUrlParameter),
    ncKeyParameter: required(ENV.ncKeyParameter),
    ...(slack ? { slackWebhookParameter: slack } : {}),
  });
}
