// Root resolvers for the events schema: reads page by (updatedAt, id); writes report their changes for webhooks.
import { GraphQLError } from 'graphql';
import type { FaultInjector } from '../faults/index.ts';
import { compareKeys, decodeCursor, encodeCursor, type KeysetPosition } from '../sim-kit/index.ts';
import type { Attendee, AttendeeInput } from './schema.ts';
import { type AttendeeChange, AttendeeError, type AttendeeStore } from './store.ts';

/** Per-request context: the changes a mutation made, in order, to become webhook events. */
export interface ResolverContext {
  changes: AttendeeChange[];
}

export interface ResolverDeps {
  store: AttendeeStore;
  faults: FaultInjector;
}

const MAX_FIRST = 100;
const RACE_FIELDS = ['jobTitle', 'company', 'firstName', 'lastName', 'phone', 'country'] as const;

function userInputError(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/** Maps a store failure to the GraphQL error the platform answers with. */
function toGraphQLError(error: unknown): unknown {
  if (!(error instanceof AttendeeError)) return error;
  return new GraphQLError(error.message, {
    extensions:
      error.details.length > 0 ? { code: error.code, details: error.details } : { code: error.code },
  });
}

function attempt<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toGraphQLError(error);
  }
}

/** Builds the rootValue for `execute`. */
export function createRootValue(deps: ResolverDeps): Record<string, unknown> {
  const { store, faults } = deps;
  let raceCount = 0;

  /** A person edits the same record in the UI at the same moment (fault `concurrentEditRate`). */
  const raceEdit = (id: string, input: AttendeeInput, context: ResolverContext): void => {
    const touched = RACE_FIELDS.find((field) => field in input) ?? 'jobTitle';
    raceCount += 1;
    try {
      context.changes.push(store.update(id, { [touched]: `Edited in UI (${raceCount})` }, 'ui'));
    } catch {
      // the record vanished or rolled between the two writes: the race simply did not happen
    }
  };

  return {
    attendees(args: {
      first?: number | null;
      after?: string | null;
      updatedAfter?: string | null;
      email?: string | null;
    }) {
      const first = args.first ?? 50;
      if (first < 0 || first > MAX_FIRST)
        throw userInputError(`first must be between 0 and ${MAX_FIRST}.`, 'first');
      let after: KeysetPosition | undefined;
      if (args.after !== undefined && args.after !== null) {
        after = decodeCursor(args.after);
        if (!after) throw userInputError('after is not a cursor this API issued.', 'after');
      }
      let fromMs: number | undefined;
      if (args.updatedAfter !== undefined && args.updatedAfter !== null) {
        fromMs = Date.parse(args.updatedAfter);
        if (Number.isNaN(fromMs))
          throw userInputError('updatedAfter must be an ISO 8601 date-time.', 'updatedAfter');
      }
      let items: Attendee[];
      let hasMore: boolean;
      let total: number;
      if (args.email !== undefined && args.email !== null) {
        const match = store.findByEmail(args.email);
        const candidates = match ? [match] : [];
        const inRange = candidates.filter((a) => fromMs === undefined || Date.parse(a.updatedAt) >= fromMs);
        total = inRange.length;
        items = inRange
          .filter((a) => !after || compareKeys({ updatedMs: Date.parse(a.updatedAt), id: a.id }, after) > 0)
          .slice(0, first);
        hasMore = false;
      } else {
        const options: { fromMs?: number; after?: KeysetPosition; limit: number } = { limit: first };
        if (fromMs !== undefined) options.fromMs = fromMs;
        if (after !== undefined) options.after = after;
        ({ items, hasMore, total } = store.page(options));
      }
      const edges = items.map((node) => ({
        cursor: encodeCursor({ updatedMs: Date.parse(node.updatedAt), id: node.id }),
        node,
      }));
      return {
        edges,
        pageInfo: { hasNextPage: hasMore, endCursor: edges.at(-1)?.cursor ?? null },
        totalCount: total,
      };
    },

    attendee(args: { id: string }) {
      const found = store.get(args.id);
      if (!found)
        throw new GraphQLError(`Attendee ${args.id} not found.`, { extensions: { code: 'NOT_FOUND' } });
      return found;
    },

    createAttendee(args: { input: AttendeeInput }, context: ResolverContext) {
      const change = attempt(() => store.create(args.input, 'api'));
      context.changes.push(change);
      return change.attendee;
    },

    updateAttendee(args: { id: string; input: AttendeeInput }, context: ResolverContext) {
      const race = faults.concurrentEdit();
      if (race === 'before') raceEdit(args.id, args.input, context);
      const change = attempt(() => store.update(args.id, args.input, 'api'));
      context.changes.push(change);
      // The API answers with the state its own write produced, even if the UI edit lands right after.
      if (race === 'after') raceEdit(change.attendee.id, args.input, context);
      return change.attendee;
    },

    deleteAttendee(args: { id: string }, context: ResolverContext) {
      const change = attempt(() => store.delete(args.id, 'api'));
      context.changes.push(change);
      return true;
    },
  };
}
