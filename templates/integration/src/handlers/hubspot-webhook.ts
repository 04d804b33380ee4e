/** POST /webhooks/{integration}/hubspot: verify HubSpot's signature, enqueue, answer 200. */
import { webhookHandler } from '../webhook.ts';

export const handler = webhookHandler('hubspot');
