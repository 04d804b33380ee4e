// The monitor: IntegrationLogger (structured logs, counters, traces), the heartbeat and its sinks.

export type { DynamoCounterStoreOptions } from './dynamo-counters.ts';
export { DynamoCounterStore } from './dynamo-counters.ts';

export type {
  CheckOutcome,
  CounterSource,
  DeadLetterListing,
  DependencyChecks,
  HeartbeatLoop,
  HeartbeatRun,
  HeartbeatSink,
  RunHeartbeatOptions,
} from './heartbeat.ts';
export {
  deadLetterAgeCheck,
  deadLetterReport,
  HeartbeatDeliveryError,
  queueDepthCheck,
  runHeartbeat,
  startHeartbeatLoop,
  tableCheck,
} from './heartbeat.ts';
export type { HttpHeartbeatSinkOptions } from './http-sink.ts';
export { httpEventSink, httpHeartbeatSink, memoryHeartbeatSink } from './http-sink.ts';
export type {
  Clock,
  FailureInput,
  IntegrationLoggerOptions,
  LogLevel,
  LogSink,
  MonitorSnapshot,
} from './logger.ts';
export {
  IntegrationLogger,
  memoryLogSink,
  stdoutLogSink,
  systemClock,
  TraceRecorder,
} from './logger.ts';
export type { LogFields, LogValue } from './redact.ts';
export { ALLOWED_LOG_FIELDS, redactFields, scrub } from './redact.ts';
export type { TraceShipper, TraceShipperOptions, TraceShipperStats } from './trace-shipper.ts';
export { createTraceShipper, TraceShipperNotConfigured } from './trace-shipper.ts';
export type {
  CheckResult,
  CommandResult,
  CounterDelta,
  CounterStage,
  DeadLetterReport,
  DeadLetterSummary,
  Direction,
  EventsPayload,
  FailureSummary,
  HeartbeatPayload,
  HeartbeatResponse,
  Outcome,
  PendingCommand,
  Stage,
  TraceOutcome,
  TraceStage,
  TraceSummary,
  UnsentBeat,
} from './types.ts';
export { COUNTER_STAGES, ERROR_OUTCOMES, OUTCOMES, STAGES, TERMINAL_OUTCOMES } from './types.ts';
