/**
 * One poll of one side of an integration, as the composition root and the local gateway call it:
 * the destination when its spec has `polling`, HubSpot search when asked (a safety net beside
 * webhooks, or for portals whose webhooks can't be used).
 */
import type { MappingStore } from '../mapping-store/types.ts';
import type { DestinationClient } from '../outbound/destination.ts';
import type { Clock, WorkQueue } from '../queue/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { type PollOutcome, type PollSource, runPoll } from './driver.ts';
import { modifiedPropertyFor, type SearchFn } from './hubspot-search.ts';
import { destinationReader, hubspotReader } from './sources.ts';

export interface PollIntegrationOptions {
  spec: IntegrationSpec;
  source: PollSource;
  store: Pick<MappingStore, 'getCursor' | 'putCursor'>;
  queue: Pick<WorkQueue, 'send'>;
  clock: Clock;
  destination: Pick<DestinationClient, 'listChanged'>;
  /** HubSpot search through the shared budget (created on first use). */
  hubspotSearch?: () => Promise<SearchFn>;
  /** HubSpot properties the worker hydrates (the search returns them too). */
  hubspotProperties?: string[];
  /** HubSpot search index lag to overlap, ms. */
  lagMs?: number;
  callsPerRound?: number;
  maxRounds?: number;
  timeBudgetMs?: number;
}

export function noPoll(source: PollSource): PollOutcome {
  return { source, records: 0, messages: 0, calls: 0, rounds: 0, cursorAdvanced: true, more: false };
}

export async function pollIntegration(options: PollIntegrationOptions): Promise<PollOutcome> {
  const { spec, source } = options;
  const common = {
    integration: spec.integration.name,
    source,
    store: options.store,
    queue: options.queue,
    clock: options.clock,
    ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
    ...(options.timeBudgetMs === undefined ? {} : { timeBudgetMs: options.timeBudgetMs }),
  };
  if (source === 'destination') {
    if (!spec.destination.polling) return noPoll(source);
    return runPoll({
      ...common,
      read: destinationReader({
        destination: options.destination,
        ...(options.callsPerRound === undefined ? {} : { callsPerRound: options.callsPerRound }),
      }),
    });
  }
  if (!options.hubspotSearch) return noPoll(source);
  const search = await options.hubspotSearch();
  return runPoll({
    ...common,
    read: hubspotReader({
      search,
      modifiedProperty: modifiedPropertyFor(spec.hubspot.objectType),
      properties: options.hubspotProperties ?? [spec.destination.naturalKey.hubspotProperty],
      now: () => options.clock.now(),
      ...(options.lagMs === undefined ? {} : { lagMs: options.lagMs }),
      ...(options.callsPerRound === undefined ? {} : { callsPerRound: options.callsPerRound }),
    }),
  });
}
