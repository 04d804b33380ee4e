/**
 * The deployed Notification Centre: `handler` behind API Gateway (HTTP API, payload v2) and `detectDown` on an
 * EventBridge schedule (infra/src/notification-centre-stack.ts). Configuration:
 * - `KONGO_NC_TABLE_NAME` (required) — the DynamoDB table the stack creates;
 * - `KONGO_NC_PARAMETER_PREFIX` — SSM prefix (default none). Read once per cold start, both optional:
 *   `{prefix}config` — an `NcConfig` JSON (clients with their Slack webhook URLs, integrations with their keys),
 *   applied idempotently; `{prefix}admin-token` — guards the admin API and replay (without it they are closed);
 * - `KONGO_NC_PUBLIC_URL` — the dashboard URL linked from Slack; `KONGO_NC_MIN_INTERVAL_SECONDS` — default 60.
 * Clients are created on the first invocation, never at module load.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { slackNotifier } from './alerts/notifier.ts';
import { type NcConfig, NotificationCentre } from './centre.ts';
import { ConfigError } from './errors.ts';
import { createRequestHandler, type FetchHandler } from './http/routes.ts';
import { DynamoNcStore } from './store/dynamodb.ts';

export const LAMBDA_ENV = {
  tableName: 'KONGO_NC_TABLE_NAME',
  parameterPrefix: 'KONGO_NC_PARAMETER_PREFIX',
  publicUrl: 'KONGO_NC_PUBLIC_URL',
  minIntervalSeconds: 'KONGO_NC_MIN_INTERVAL_SECONDS',
} as const;

let cached: Promise<{ centre: NotificationCentre; handler: FetchHandler }> | null = null;

async function readParameter(ssm: SSMClient, name: string): Promise<string | null> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value ?? null;
  } catch (error) {
    if (error instanceof ParameterNotFound) return null;
    throw error;
  }
}

async function setup(env: NodeJS.ProcessEnv): Promise<{ centre: NotificationCentre; handler: FetchHandler }> {
  const tableName = env[LAMBDA_ENV.tableName];
  if (!tableName)
    throw new ConfigError(`${LAMBDA_ENV.tableName} is not set; the Notification Centre stack sets it`);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const centre = new NotificationCentre({
    store: new DynamoNcStore({ client, tableName }),
    notifier: slackNotifier(),
    publicUrl: env[LAMBDA_ENV.publicUrl] ?? null,
    rules: { minIntervalSeconds: Number(env[LAMBDA_ENV.minIntervalSeconds] ?? 60) },
  });
  let adminToken: string | null = null;
  const prefix = env[LAMBDA_ENV.parameterPrefix];
  if (prefix) {
    const ssm = new SSMClient({});
    const [config, token] = await Promise.all([
      readParameter(ssm, `${prefix}config`),
      readParameter(ssm, `${prefix}admin-token`),
    ]);
    if (config) await centre.applyConfig(JSON.parse(config) as NcConfig);
    adminToken = token;
    ssm.destroy();
  }
  // Without a configured admin token the admin API is closed: an unguessable token nobody knows.
  return {
    centre,
    handler: createRequestHandler(centre, { adminToken: adminToken || randomBytes(32).toString('hex') }),
  };
}

function ready(): Promise<{ centre: NotificationCentre; handler: FetchHandler }> {
  cached ??= setup(process.env).catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

/** API Gateway HTTP API (payload format 2.0) event → web Request. */
export function requestFromEvent(event: APIGatewayProxyEventV2): Request {
  const host = event.headers.host ?? event.requestContext.domainName ?? 'localhost';
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers))
    if (value !== undefined) headers.set(name, value);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const method = event.requestContext.http.method;
  const init: RequestInit = { method, headers };
  if (event.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    init.body = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  }
  return new Request(url, init);
}

/** Web Response → API Gateway HTTP API result. */
export async function resultFromResponse(response: Response): Promise<APIGatewayProxyStructuredResultV2> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const type = headers['content-type'] ?? '';
  const textual = /^(text\/|application\/(json|javascript))/.test(type);
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    statusCode: response.status,
    headers,
    body: textual ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: !textual,
  };
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const { handler: handle } = await ready();
  return resultFromResponse(await handle(requestFromEvent(event)));
}

/** The scheduled down detector (EventBridge, every minute). */
export async function detectDown(): Promise<{ checked: number; down: string[] }> {
  const { centre } = await ready();
  const result = await centre.detectDown();
  return { checked: result.checked, down: result.down };
}
