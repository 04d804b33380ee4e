/** POST /webhooks/{integration}/destination: verify the destination's signature, enqueue, answer 200. */
import { webhookHandler } from '../webhook.ts';

export const handler = webhookHandler('destination');
