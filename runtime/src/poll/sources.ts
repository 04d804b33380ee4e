/**
 * The two poll sources as `ReadChanges` rounds for the driver: the destination's list API
 * (connection.ts) and HubSpot search (hubspot-search.ts), each with its cursor encoded as JSON.
 */
import type { DestinationClient } from '../outbound/destination.ts';
import { decodeConnectionCursor, encodeConnectionCursor, pollConnection } from './connection.ts';
import type { ReadChanges } from './driver.ts';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  pollHubSpotSearch,
  type SearchFn,
  type SearchRecord,
} from './hubspot-search.ts';

export interface DestinationReaderOptions {
  destination: Pick<DestinationClient, 'listChanged'>;
  /** Calls per round (each round is enqueued and checkpointed). */
  callsPerRound?: number;
  pageSize?: number;
  /** Where a never-polled integration starts (ISO); default: the beginning of the list. */
  since?: string | null;
}

/** Destination records as the API returned them (they carry the id field and updatedAt). */
export function destinationReader(options: DestinationReaderOptions): ReadChanges<Record<string, unknown>> {
  return async (value) => {
    const result = await pollConnection(decodeConnectionCursor(value, options.since ?? null), {
      list: (page) => options.destination.listChanged(page),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      maxCalls: options.callsPerRound ?? 20,
    });
    return {
      records: result.records.map((r) => r.values),
      cursor: encodeConnectionCursor(result.cursor),
      more: result.more,
      calls: result.calls,
    };
  };
}

export interface HubSpotReaderOptions {
  search: SearchFn;
  modifiedProperty: string;
  properties: string[];
  /** Search index lag to overlap, ms. Default 60 s. */
  lagMs?: number;
  now: () => number;
  callsPerRound?: number;
  pageSize?: number;
  /** Where a never-polled integration starts, ms; default now − lag (live changes, not history: that is backfill). */
  startAt?: number;
}

export function hubspotReader(options: HubSpotReaderOptions): ReadChanges<SearchRecord> {
  const lagMs = options.lagMs ?? 60_000;
  return async (value) => {
    const now = options.now();
    const result = await pollHubSpotSearch(decodeSearchCursor(value, options.startAt ?? now - lagMs), {
      search: options.search,
      modifiedProperty: options.modifiedProperty,
      properties: options.properties,
      lagMs,
      now,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      maxCalls: options.callsPerRound ?? 20,
    });
    return {
      records: result.records,
      cursor: encodeSearchCursor(result.cursor),
      more: result.more,
      calls: result.calls,
    };
  };
}
