// Small shared pieces for the simulators (HTTP server, JSON, admin routing, counters, faults, webhooks).

export {
  addCommonAdminRoutes,
  type CommonAdminParts,
  parseUpdatedAtBody,
  routeAdmin,
  type SimulatorServerOptions,
  SubscriptionRegistry,
  serveSimulator,
} from './admin-common.ts';
export { type CounterSnapshot, RequestCounters } from './counters.ts';
export { header, isObject, parseJson, readBody, readJson, SimHttpError, sendJson, sendText } from './json.ts';
export {
  compareIds,
  compareKeys,
  decodeCursor,
  encodeCursor,
  type KeysetPosition,
  OrderedIndex,
  type OrderedRecord,
} from './ordered-index.ts';
export { beforeRequest, type FaultGate, failAnswer } from './request-faults.ts';
export { type RouteContext, type RouteHandler, Router } from './router.ts';
export { type ListenOptions, listen, type RequestHandler, type RunningServer, sleep } from './server.ts';
export { hmacSha256Base64, hmacSha256Hex, signStandardWebhook } from './signing.ts';
export {
  DEFAULT_DISPATCHER_OPTIONS,
  type DeliveryAttempt,
  type DispatcherOptions,
  newEventId,
  type OutgoingWebhook,
  WebhookDispatcher,
  type WebhookSubscription,
} from './webhook-dispatcher.ts';
export { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
export { WindowLimiter, type WindowRule, type WindowVerdict } from './window-limiter.ts';
export { changedFields, offsetClock, WriteLog, type WriteLogEntry } from './write-log.ts';
