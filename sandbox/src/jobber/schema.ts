// The slice of Jobber's GraphQL schema the simulator serves: clients, copied type by type from the schema dump in
// GetJobber/Jobber-AppTemplate-RailsAPI db/schema.json (field names, argument names, nullability, enums).
import { buildSchema, type GraphQLSchema } from 'graphql';

export const JOBBER_SDL = `
scalar EncodedId
scalar ISO8601DateTime
enum ClientTitle { MR MS MRS MISS DR }
enum EmailDescription { MAIN WORK PERSONAL OTHER }
enum PhoneNumberDescription { MAIN WORK MOBILE HOME FAX OTHER }
type Email { address: String! description: String! id: EncodedId! primary: Boolean! }
type ClientPhoneNumber { description: String! friendly: String! id: EncodedId! normalizedPhoneNumber: String
  number: String! primary: Boolean! smsAllowed: Boolean! }
type Client { companyName: String createdAt: ISO8601DateTime! emails: [Email!]! firstName: String! id: EncodedId!
  isArchived: Boolean! isCompany: Boolean! isLead: Boolean! lastName: String! name: String!
  phones: [ClientPhoneNumber!]! title: String updatedAt: ISO8601DateTime! }
type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }
type ClientEdge { cursor: String! node: Client! }
type ClientConnection { edges: [ClientEdge!] nodes: [Client!]! pageInfo: PageInfo! totalCount: Int! }
type MutationErrors { message: String! path: [String!]! }
type ClientCreatePayload { client: Client userErrors: [MutationErrors!]! }
type ClientEditPayload { client: Client userErrors: [MutationErrors!]! }
type ClientArchivePayload { client: Client userErrors: [MutationErrors!]! }
input Iso8601DateTimeRangeInput { before: ISO8601DateTime after: ISO8601DateTime eq: ISO8601DateTime }
input ClientFilterAttributes { isCompany: Boolean isLead: Boolean isArchived: Boolean
  updatedAt: Iso8601DateTimeRangeInput createdAt: Iso8601DateTimeRangeInput }
input EmailCreateAttributes { description: EmailDescription address: String primary: Boolean }
input EmailUpdateAttributes { description: EmailDescription address: String primary: Boolean id: EncodedId! }
input PhoneNumberCreateAttributes { description: PhoneNumberDescription number: String smsAllowed: Boolean primary: Boolean }
input PhoneNumberUpdateAttributes { description: PhoneNumberDescription number: String smsAllowed: Boolean
  primary: Boolean id: EncodedId! }
input ClientCreateInput { title: ClientTitle firstName: String lastName: String companyName: String isCompany: Boolean
  phones: [PhoneNumberCreateAttributes!] emails: [EmailCreateAttributes!] }
input ClientEditInput { title: ClientTitle firstName: String lastName: String companyName: String isCompany: Boolean
  phonesToAdd: [PhoneNumberCreateAttributes!] phonesToEdit: [PhoneNumberUpdateAttributes!] phonesToDelete: [EncodedId!]
  emailsToAdd: [EmailCreateAttributes!] emailsToEdit: [EmailUpdateAttributes!] emailsToDelete: [EncodedId!] }
type Query {
  client(id: EncodedId!): Client
  clients(filter: ClientFilterAttributes, searchTerm: String, after: String, before: String, first: Int, last: Int): ClientConnection!
}
type Mutation {
  clientCreate(input: ClientCreateInput!): ClientCreatePayload!
  clientEdit(clientId: EncodedId!, input: ClientEditInput!): ClientEditPayload!
  clientArchive(clientId: EncodedId!): ClientArchivePayload!
}
`;

export const jobberSchema: GraphQLSchema = buildSchema(JOBBER_SDL);

/** Jobber ids are EncodedIds: base64 of a global id such as `gid://Jobber/Client/123`. */
export function encodeId(type: string, n: number): string {
  return Buffer.from(`gid://Jobber/${type}/${n}`).toString('base64');
}

/** The numeric part of an EncodedId of `type`, or undefined when it is not one. */
export function decodeId(type: string, id: string): number | undefined {
  const text = Buffer.from(id, 'base64').toString('utf8');
  const match = new RegExp(`^gid://Jobber/${type}/(\\d+)$`).exec(text);
  return match && Buffer.from(text).toString('base64') === id ? Number(match[1]) : undefined;
}
