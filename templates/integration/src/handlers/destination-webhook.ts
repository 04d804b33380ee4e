/** POST /webhooks/{integration}/destination: verify the destination's signature, enqueue, answer 200. */
import { apiGatewayV2Handler } from '@kongo/runtime';
import { integrationRuntime } from '../runtime.ts';

export const handler = apiGatewayV2Handler((request) => integrationRuntime().destinationWebhook(request));
