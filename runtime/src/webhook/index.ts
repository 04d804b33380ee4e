/** The webhook edge: verify → enqueue → 200, on web-standard Request/Response. */
export {
  createWebhookHandler,
  DEFAULT_MAX_BODY_BYTES,
  type SecurityEvent,
  VERIFY_MS_HEADER,
  type WebhookHandlerOptions,
  type WebhookLogger,
} from './handler.ts';
export {
  createSecurityEventCounter,
  type SecurityEventCounter,
  type SecurityEventCounterOptions,
  type SecuritySpike,
} from './security-events.ts';
