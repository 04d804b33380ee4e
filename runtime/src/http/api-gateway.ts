/**
 * The thin Lambda adapter for API Gateway HTTP API (payload format 2.0): event → web-standard
 * Request, Response → result. Also the reverse pair, which the local gateway uses to run the same
 * Lambda entry points without AWS.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type FetchHandler = (req: Request) => Promise<Response>;
export type ApiGatewayV2Handler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Content types sent as text; anything else travels base64-encoded, as API Gateway does. */
const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|x-www-form-urlencoded|graphql))/i;

export function isTextContentType(contentType: string | null | undefined): boolean {
  return contentType ? TEXT_TYPES.test(contentType) : false;
}

/**
 * Wraps a fetch-style handler as a Lambda handler for HTTP API payload v2 events.
 *
 * @example
 * export const handler = apiGatewayV2Handler((req) => runtime.hubspotWebhook(req));
 */
export function apiGatewayV2Handler(fn: FetchHandler): ApiGatewayV2Handler {
  return async (event) => toApiGatewayV2Result(await fn(requestFromApiGatewayV2Event(event)));
}

/** The event as a Request: https://{domainName}{rawPath}?{rawQueryString}, headers, raw body bytes. */
export function requestFromApiGatewayV2Event(event: APIGatewayProxyEventV2): Request {
  const method = event.requestContext.http.method.toUpperCase();
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const url = `https://${event.requestContext.domainName}${event.rawPath}${query}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name, value);
  }
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined && event.body !== null;
  const body = hasBody
    ? event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64')
      : event.body
    : null;
  return new Request(url, { method, headers, body: body ?? null });
}

/** The Response as a payload v2 result; binary bodies base64-encoded, Set-Cookie as `cookies`. */
export async function toApiGatewayV2Result(response: Response): Promise<APIGatewayProxyStructuredResultV2> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = isTextContentType(response.headers.get('content-type')) || bytes.length === 0;
  const result: APIGatewayProxyStructuredResultV2 = {
    statusCode: response.status,
    headers,
    body: text ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: !text,
  };
  if (cookies.length > 0) result.cookies = cookies;
  return result;
}

/**
 * The reverse: a Request as the payload v2 event API Gateway would deliver (for the local gateway
 * and tests). The body is base64-encoded unless its content type is text, like API Gateway.
 */
export async function toApiGatewayV2Event(req: Request): Promise<APIGatewayProxyEventV2> {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => {
    if (name !== 'cookie') headers[name] = value;
  });
  const cookie = req.headers.get('cookie');
  const bytes = req.body ? Buffer.from(await req.arrayBuffer()) : null;
  const text = isTextContentType(req.headers.get('content-type'));
  const now = Date.now();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: {
        method: req.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: req.headers.get('user-agent') ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    isBase64Encoded: bytes !== null && !text,
  };
  if (bytes !== null) event.body = text ? bytes.toString('utf8') : bytes.toString('base64');
  if (cookie) event.cookies = cookie.split(/;\s*/);
  if (url.search) {
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams)
      params[key] = key in params ? `${params[key]},${value}` : value;
    event.queryStringParameters = params;
  }
  return event;
}

/** The reverse of toApiGatewayV2Result: a payload v2 result as a Response (for the local gateway). */
export function fromApiGatewayV2Result(result: APIGatewayProxyStructuredResultV2): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, String(value));
  for (const cookie of result.cookies ?? []) headers.append('set-cookie', cookie);
  const status = result.statusCode ?? 200;
  const noBody = status === 204 || status === 304 || result.body === undefined;
  const body = noBody
    ? null
    : result.isBase64Encoded
      ? Buffer.from(result.body ?? '', 'base64')
      : result.body;
  return new Response(body ?? null, { status, headers });
}
