// The events platform simulator (GraphQL, Webex Events style): start it in-process or from `kongo sim events`.
export {
  CostLimiter,
  type CostLimits,
  DEFAULT_COST_LIMITS,
  MUTATION_COST,
  operationCost,
} from './cost.ts';
export {
  ATTENDEE_STATUSES,
  type Attendee,
  type AttendeeInput,
  type AttendeeStatus,
  EVENTS_SDL,
  eventsSchema,
  TICKET_TYPES,
  type TicketType,
} from './schema.ts';
export {
  type EventsSimulator,
  type EventsSimulatorOptions,
  type EventsWebhookMode,
  startEventsSimulator,
} from './simulator.ts';
export {
  type Actor,
  type AttendeeChange,
  AttendeeError,
  AttendeeStore,
  DEFAULT_ROLLING_IDS,
  type RollingIdConfig,
} from './store.ts';
