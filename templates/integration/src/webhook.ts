/**
 * The webhook edge on its own: read the raw body (capped) → verify the spec's signature scheme →
 * enqueue → answer. It composes only what that needs — no worker, no HubSpot or destination client
 * — so a webhook function bundles to about half the size of a worker and loads about twice as fast,
 * which is what HubSpot's 5-second timeout and the "lands within a second" goal care about.
 */
import { ENV } from '@kongo/infra/environment-variables';
import {
  type ApiGatewayV2Handler,
  apiGatewayV2Handler,
  createWebhookHandler,
  IntegrationLogger,
  SqsDeadLetterQueue,
  SqsWorkQueue,
  SsmSecretSource,
} from '@kongo/runtime';
import type { WebhookSource } from '@kongo/runtime/spec';
import { chosenEnvironment } from './environment.ts';
import { spec } from './spec.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the integration stack sets it on every function.`);
  return value;
}

function compose(source: WebhookSource): (request: Request) => Promise<Response> {
  const chosen = chosenEnvironment();
  const logger = new IntegrationLogger({
    integrationId: spec.integration.name,
    clientSlug: spec.client.slug,
    ...(chosen?.logSink ? { sink: chosen.logSink } : {}),
  });
  const adapters = chosen
    ? {
        secrets: chosen.secrets(),
        queue: chosen.queue(spec.integration.name),
        deadLetters: chosen.deadLetters(),
      }
    : {
        secrets: new SsmSecretSource({ clientConfig: {} }),
        queue: new SqsWorkQueue({ clientConfig: {}, queueUrl: required(ENV.workQueueUrl) }),
        deadLetters: new SqsDeadLetterQueue({ clientConfig: {}, queueUrl: required(ENV.deadLetterQueueUrl) }),
      };
  return createWebhookHandler({
    spec,
    source,
    ...adapters,
    // The logger itself: webhook lines keep their structured fields (its allow-list and scrubbing apply).
    logger,
  });
}

/** The Lambda handler (HTTP API payload v2) of one webhook source, composed on its first request. */
export function webhookHandler(source: WebhookSource): ApiGatewayV2Handler {
  let handle: ((request: Request) => Promise<Response>) | undefined;
  return apiGatewayV2Handler((request) => {
    handle ??= compose(source);
    return handle(request);
  });
}
