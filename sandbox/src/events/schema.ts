// The events platform's GraphQL schema, exactly the contract in TEAM.md (Webex Events style).
import { buildSchema, type GraphQLSchema } from 'graphql';

export const EVENTS_SDL = `scalar DateTime
enum AttendeeStatus { REGISTERED CHECKED_IN CANCELLED WAITLISTED }
enum TicketType { GENERAL VIP SPEAKER SPONSOR }
type Attendee { id: ID! email: String! firstName: String lastName: String company: String jobTitle: String
  phone: String status: AttendeeStatus ticketType: TicketType country: String createdAt: DateTime! updatedAt: DateTime! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type AttendeeEdge { cursor: String! node: Attendee! }
type AttendeeConnection { edges: [AttendeeEdge!]! pageInfo: PageInfo! totalCount: Int! }
input AttendeeInput { email: String firstName: String lastName: String company: String jobTitle: String phone: String status: AttendeeStatus ticketType: TicketType country: String }
type Query { attendees(first: Int = 50, after: String, updatedAfter: DateTime, email: String): AttendeeConnection!  attendee(id: ID!): Attendee }
type Mutation { createAttendee(input: AttendeeInput!): Attendee!  updateAttendee(id: ID!, input: AttendeeInput!): Attendee!  deleteAttendee(id: ID!): Boolean! }
`;

/** Built once per process: the schema is immutable and buildSchema costs a few ms. */
export const eventsSchema: GraphQLSchema = buildSchema(EVENTS_SDL);

export const ATTENDEE_STATUSES = ['REGISTERED', 'CHECKED_IN', 'CANCELLED', 'WAITLISTED'] as const;
export const TICKET_TYPES = ['GENERAL', 'VIP', 'SPEAKER', 'SPONSOR'] as const;
export type AttendeeStatus = (typeof ATTENDEE_STATUSES)[number];
export type TicketType = (typeof TICKET_TYPES)[number];

export interface Attendee {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  jobTitle: string | null;
  phone: string | null;
  status: AttendeeStatus | null;
  ticketType: TicketType | null;
  country: string | null;
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
  updatedAt: string;
}

/** The writable fields (`AttendeeInput`); a present `null` clears the field. */
export type AttendeeInput = Partial<Omit<Attendee, 'id' | 'createdAt' | 'updatedAt'>>;

export const INPUT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'company',
  'jobTitle',
  'phone',
  'status',
  'ticketType',
  'country',
] as const;
