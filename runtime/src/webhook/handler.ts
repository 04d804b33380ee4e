/**
 * The webhook edge: raw bytes (capped) → verify with the spec's scheme → durable enqueue → 200.
 * Nothing is parsed before the signature checks out, and a failed check stores nothing. A signed
 * body that is not the JSON shape the sender promised is quarantined in the dead-letter queue and
 * still answered 200, so the sender stops retrying and a person can look at it.
 *
 * Replays: a valid request replayed inside the timestamp window (or any time, for schemes without
 * a timestamp) is accepted again here on purpose — the worker dedupes by event identity, which is
 * the only place that can tell a replay from HubSpot's own redeliveries.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { connectorForLegacySpec } from '../connector/legacy.ts';
import { getPath } from '../connector/paths.ts';
import type { ConnectorDocument, Handshake, SignatureRecipe } from '../connector/types.ts';
import { parseWebhookBody } from '../connector/webhook-events.ts';
import { readBodyCapped } from '../http/body.ts';
import type { DeadLetterQueue, QueueEnvelope, WorkQueue } from '../queue/types.ts';
import { rotatingSecrets } from '../secrets/rotation.ts';
import type { SecretSource } from '../secrets/types.ts';
import { webhookUrl } from '../spec/paths.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { createRecipeVerifier, recipeHmac } from '../verify/recipe.ts';
import { verificationFor } from '../verify/spec-scheme.ts';
import type { Verifier, VerifyFailureReason } from '../verify/types.ts';
import { createVerifier } from '../verify/verifier.ts';

/** 256 KiB: inside SQS's message limit and DynamoDB's 400 KB item limit, with room for the envelope. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * How long the edge spent on security (reading the secret and checking the signature), in ms with two
 * decimals: the worker files it as the trace's `verify` stage. Non-secret, set by us, never forwarded from
 * the request.
 */
export const VERIFY_MS_HEADER = 'x-kongo-verify-ms';

/** Headers the worker may need; signatures and everything else stay at the edge. */
const FORWARDED_HEADERS = [
  'content-type',
  'webhook-id',
  'webhook-timestamp',
  'x-hubspot-request-timestamp',
  'x-hubspot-signature-version',
] as const;

type Fields = Record<string, string | number | boolean | null>;

/** The slice of the monitor's IntegrationLogger the edge uses (any structured logger fits). */
export interface WebhookLogger {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  count?(
    stage: 'receive' | 'verify' | 'queue',
    outcome: 'received' | 'verified' | 'unauthorised' | 'quarantined' | 'failed',
  ): void;
}

/** A rejected request: counted so that a spike can raise an alert. Carries no body, no signature. */
export interface SecurityEvent {
  integration: string;
  source: 'hubspot' | 'destination';
  reason: VerifyFailureReason;
  at: number;
}

export interface WebhookHandlerOptions {
  spec: Pick<IntegrationSpec, 'integration' | 'publicBaseUrl' | 'hubspot' | 'destination' | 'client'>;
  /**
   * The destination's connector (its signature recipe, body format, handshakes). Default: the catalog
   * entry a spec without `destination.connector` means (docs/CONNECTORS.md).
   */
  connector?: ConnectorDocument;
  source: 'hubspot' | 'destination';
  secrets: SecretSource;
  queue: WorkQueue;
  deadLetters: DeadLetterQueue;
  logger?: WebhookLogger;
  clock?: { now(): number };
  maxBodyBytes?: number;
  onSecurityEvent?: (event: SecurityEvent) => void;
  mintTraceId?: () => string;
}

/**
 * @example
 * const hubspotWebhook = createWebhookHandler({ spec, source: 'hubspot', secrets, queue, deadLetters });
 * export const handler = apiGatewayV2Handler(hubspotWebhook);
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (req: Request) => Promise<Response> {
  const { spec, source, secrets, queue, deadLetters, logger, onSecurityEvent } = options;
  const integration = spec.integration.name;
  const clock = options.clock ?? { now: () => Date.now() };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const mintTraceId = options.mintTraceId ?? randomUUID;
  const connector =
    source === 'destination'
      ? (options.connector ??
        (spec.destination.webhooks ? connectorForLegacySpec(spec.destination) : undefined))
      : undefined;
  const verification =
    source === 'hubspot' ? hubspotVerification(spec) : destinationVerification(spec, connector);
  const forwarded = [...FORWARDED_HEADERS, ...(verification?.forward ?? [])];
  const kind: QueueEnvelope['kind'] = source === 'hubspot' ? 'hubspot-webhook' : 'destination-webhook';
  // Named as the integration logger's allow-list names them, so the fields survive into the log line.
  const base: Fields = { integrationId: integration, system: source };
  // Rebuilt only when the secret values change (a rotation), so HMAC keys are prepared once.
  let cached: { secrets: string[]; verify: Verifier } | undefined;

  function verifierFor(values: string[]): Verifier {
    if (
      !cached ||
      cached.secrets.length !== values.length ||
      cached.secrets.some((s, i) => s !== values[i])
    ) {
      if (!verification) throw new Error('unreachable: no verification for this source');
      cached = { secrets: values, verify: verification.build(values, () => clock.now()) };
    }
    return cached.verify;
  }

  return async (req) => {
    if (req.method !== 'POST') return reply(405, { error: 'method-not-allowed' }, { allow: 'POST' });
    if (!verification)
      return reply(404, { error: 'no-webhooks', message: `${integration} takes no ${source} webhooks` });

    const body = await readBodyCapped(req, maxBodyBytes);
    if (!body.ok) {
      logger?.warn('webhook body over the size cap', { ...base, maxBodyBytes });
      return reply(413, { error: 'payload-too-large', maxBytes: maxBodyBytes });
    }

    const securityStarted = performance.now();
    let secretValues: string[];
    try {
      secretValues = await rotatingSecrets(secrets, verification.secretParameter);
    } catch (error) {
      logger?.error('could not read the signing secret', {
        ...base,
        parameter: verification.secretParameter,
        errorName: errorName(error),
      });
      return reply(503, { error: 'secret-unavailable' }, { 'retry-after': '30' });
    }

    const query = req.url.indexOf('?');
    const result = verifierFor(secretValues)({
      method: req.method,
      url: verification.url + (query === -1 ? '' : req.url.slice(query)),
      body: body.bytes,
      header: (name) => req.headers.get(name),
    });
    if (!result.ok) {
      if (result.reason === 'no-secret') {
        // Our fault, not the sender's: a 5xx makes HubSpot retry for a day while someone sets the parameter.
        logger?.error('no signing secret configured', { ...base, parameter: verification.secretParameter });
        return reply(503, { error: 'secret-unavailable' }, { 'retry-after': '30' });
      }
      logger?.count?.('verify', 'unauthorised');
      logger?.warn('webhook signature rejected', { ...base, reason: result.reason });
      onSecurityEvent?.({ integration, source, reason: result.reason, at: clock.now() });
      return reply(401, { error: 'unauthorized' });
    }
    const verifyMs = Math.round((performance.now() - securityStarted) * 100) / 100;
    logger?.count?.('verify', 'verified');
    if (result.secret === 'previous') logger?.info('webhook verified with the previous secret', base);

    const traceId = mintTraceId();
    // Bytes that are not UTF-8 can't be the JSON promised; they are kept exactly, base64-encoded.
    const text = isUtf8(body.bytes) ? body.bytes.toString('utf8') : undefined;
    const malformed =
      text === undefined
        ? 'not-utf8'
        : connector?.webhooks
          ? (() => {
              const parsed = parseWebhookBody(connector.webhooks, text, req.headers.get('content-type'));
              return parsed.ok ? null : parsed.reason;
            })()
          : malformedReason(text, source);
    // A handshake (a challenge echo, a URL validation) is answered here, after verification, and not queued.
    if (text !== undefined && !malformed && connector?.webhooks?.handshakes) {
      const answer = handshakeAnswer(connector, text, secretValues[0] ?? '', req.headers.get('content-type'));
      if (answer) {
        logger?.info('webhook handshake answered', base);
        return answer;
      }
    }
    const envelope: QueueEnvelope = {
      v: 1,
      kind,
      integration,
      traceId,
      receivedAt: clock.now(),
      headers: forwardedHeaders(req.headers, forwarded),
      body: text ?? body.bytes.toString('base64'),
    };
    envelope.headers[VERIFY_MS_HEADER] = String(verifyMs);
    if (text === undefined) envelope.headers['x-kongo-body-encoding'] = 'base64';

    if (malformed) {
      try {
        const { id } = await deadLetters.put({
          integration,
          reason: 'malformed-body',
          kind,
          failedAt: envelope.receivedAt,
          attempts: 0,
          envelope,
        });
        logger?.count?.('receive', 'quarantined');
        logger?.warn('signed but malformed webhook body quarantined', {
          ...base,
          traceId,
          deadLetterId: id,
          reason: malformed,
        });
        return reply(200, { ok: true, traceId, quarantined: true }, { 'x-kongo-trace-id': traceId });
      } catch (error) {
        logger?.count?.('queue', 'failed');
        logger?.error('could not quarantine a malformed webhook body', {
          ...base,
          traceId,
          errorName: errorName(error),
        });
        return reply(503, { error: 'store-unavailable' });
      }
    }

    try {
      await queue.send(envelope);
    } catch (error) {
      // Not accepted: a 5xx makes the sender retry, so nothing is lost.
      logger?.count?.('queue', 'failed');
      logger?.error('could not enqueue a verified webhook', {
        ...base,
        traceId,
        errorName: errorName(error),
      });
      return reply(503, { error: 'queue-unavailable' });
    }
    logger?.count?.('receive', 'received');
    return reply(200, { ok: true, traceId }, { 'x-kongo-trace-id': traceId });
  };
}

interface EdgeVerification {
  secretParameter: string;
  url: string;
  /** Headers the worker needs besides the fixed ones (a recipe's delivery id and timestamp). */
  forward: string[];
  build(secrets: string[], now: () => number): Verifier;
}

function hubspotVerification(spec: WebhookHandlerOptions['spec']): EdgeVerification | null {
  const found = verificationFor(spec, 'hubspot');
  if (!found) return null;
  return {
    secretParameter: found.secretParameter,
    url: found.url,
    forward: [],
    build: (secrets, now) => createVerifier(found.scheme, secrets, { now }),
  };
}

/** The destination's recipe from its connector; the secret parameter from the spec. */
function destinationVerification(
  spec: WebhookHandlerOptions['spec'],
  connector: ConnectorDocument | undefined,
): EdgeVerification | null {
  const recipe = connector?.webhooks?.verify;
  if (!recipe) return null;
  const forward =
    recipe.type === 'hmac'
      ? [recipe.eventIdHeader, recipe.timestamp?.header]
          .filter((h): h is string => h !== undefined)
          .map((h) => h.toLowerCase())
      : [];
  return {
    secretParameter:
      spec.destination.webhooks?.secretParameter ?? `/${spec.client.slug}/destination-client-secret`,
    url: webhookUrl(spec, 'destination'),
    forward,
    build: (secrets, now) => createRecipeVerifier(recipe, secrets, { now }),
  };
}

/** The answer to a handshake request, or null when the body is an ordinary event. */
function handshakeAnswer(
  connector: ConnectorDocument,
  text: string,
  secret: string,
  contentType: string | null,
): Response | null {
  const webhooks = connector.webhooks;
  if (!webhooks?.handshakes) return null;
  const parsed = parseWebhookBody(webhooks, text, contentType);
  if (!parsed.ok) return null;
  const body = parsed.body;
  const handshake: Handshake | undefined = webhooks.handshakes.find(
    (h) =>
      String(getPath(body, h.when.path) ?? '') === h.when.equals && getPath(body, h.when.path) !== undefined,
  );
  if (!handshake) return null;
  const recipe = webhooks.verify.type === 'hmac' ? (webhooks.verify as SignatureRecipe) : undefined;
  const fill = (template: string): string =>
    template.replace(/\{(hmac:)?body\.([^}]+)\}/g, (_all, hmac: string | undefined, path: string) => {
      const value = getPath(body, path);
      const plain = value === undefined || value === null ? '' : String(value);
      return hmac && recipe ? recipeHmac(recipe, secret, plain) : plain;
    });
  if (handshake.text !== undefined)
    return new Response(fill(handshake.text), {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  const json: Record<string, string> = {};
  for (const [key, template] of Object.entries(handshake.json ?? {})) json[key] = fill(template);
  return reply(200, json);
}

/** Why a verified body can't be what the sender promised, or null when it is fine. Parses only to decide. */
function malformedReason(text: string, source: 'hubspot' | 'destination'): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not-json';
  }
  if (source === 'hubspot') {
    // HubSpot always sends an array of event objects.
    if (!Array.isArray(parsed)) return 'not-an-array';
    if (!parsed.every((event) => typeof event === 'object' && event !== null && !Array.isArray(event))) {
      return 'not-event-objects';
    }
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? null : 'not-an-object';
}

function forwardedHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

function reply(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
