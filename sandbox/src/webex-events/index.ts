// The Webex Events attendees simulator (public GraphQL API, poll-only): in-process or `kongo sim webex-events`.
export {
  DEFAULT_WEBEX_LIMITS,
  startWebexEventsSimulator,
  WEBEX_EVENTS_SDL,
  type WebexAttendee,
  type WebexEventsSimulator,
  type WebexEventsSimulatorOptions,
  webexCost,
} from './simulator.ts';
