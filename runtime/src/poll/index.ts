/** Polling: cursors that neither loop nor skip, sources for HubSpot search and destination lists, the driver. */
export {
  type ConnectionCursor,
  decodeConnectionCursor,
  emptyConnectionCursor,
  encodeConnectionCursor,
  pollConnection,
} from './connection.ts';
export {
  cursorName,
  POLL_SOURCE_HEADER,
  type PollEnvelopeBody,
  type PollOutcome,
  type PollSource,
  pollEnvelopes,
  type ReadChanges,
  type ReadRound,
  runPoll,
} from './driver.ts';
export {
  decodeSearchCursor,
  encodeSearchCursor,
  type HubSpotSearchCursor,
  modifiedPropertyFor,
  pollHubSpotSearch,
  type SearchFn,
  type SearchRecord,
  type SearchRequest,
  type SearchResponse,
  settledCursor,
} from './hubspot-search.ts';
export { createHubSpotSearchApi, type HubSpotSearchApi, hubspotSearchApiOn } from './hubspot-search-api.ts';
export { noPoll, type PollIntegrationOptions, pollIntegration } from './integration-poll.ts';
export { destinationReader, hubspotReader } from './sources.ts';
