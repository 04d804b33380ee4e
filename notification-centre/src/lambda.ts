/**
 * The deployed Notification Centre: `handler` behind API Gateway (HTTP API, payload v2) and `detectDown` on an
 * EventBridge schedule. Configuration from the environment:
 * - `NC_TABLE_NAME` (required) — the DynamoDB table the CDK stack creates;
 * - `NC_ADMIN_TOKEN` — guards admin endpoints and replay (without it they are closed);
 * - `NC_PUBLIC_URL` — the dashboard URL linked from Slack;
 * - `NC_MIN_INTERVAL_SECONDS` — default 60.
 * Clients are created on the first invocation, never at module load.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { slackNotifier } from './alerts/notifier.ts';
import { NotificationCentre } from './centre.ts';
import { ConfigError } from './errors.ts';
import { createRequestHandler, type FetchHandler } from './http/routes.ts';
import { DynamoNcStore } from './store/dynamodb.ts';

let cached: { centre: NotificationCentre; handler: FetchHandler } | null = null;

function setup(env: NodeJS.ProcessEnv = process.env): { centre: NotificationCentre; handler: FetchHandler } {
  if (cached) return cached;
  const tableName = env.NC_TABLE_NAME;
  if (!tableName) throw new ConfigError('NC_TABLE_NAME is not set; the Notification Centre stack sets it');
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const centre = new NotificationCentre({
    store: new DynamoNcStore({ client, tableName }),
    notifier: slackNotifier(),
    publicUrl: env.NC_PUBLIC_URL ?? null,
    rules: { minIntervalSeconds: Number(env.NC_MIN_INTERVAL_SECONDS ?? 60) },
  });
  // Without a configured admin token the admin API is closed: an unguessable token nobody knows.
  const adminToken = env.NC_ADMIN_TOKEN || randomBytes(32).toString('hex');
  cached = { centre, handler: createRequestHandler(centre, { adminToken }) };
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
  const { handler: handle } = setup();
  return resultFromResponse(await handle(requestFromEvent(event)));
}

/** The scheduled down detector (EventBridge, every minute). */
export async function detectDown(): Promise<{ checked: number; down: string[] }> {
  const { centre } = setup();
  const result = await centre.detectDown();
  return { checked: result.checked, down: result.down };
}
