/** Schema importers: HubSpot properties, JSON Schema, OpenAPI 3, GraphQL introspection, sample records. */
export { ImportError } from './errors.ts';
export { graphqlTypeNames, importGraphQLIntrospection } from './graphql.ts';
export { importHubSpotProperties } from './hubspot.ts';
export { importJsonSchema } from './json-schema.ts';
export { importOpenApi, openApiSchemaNames } from './openapi.ts';
export { importSampleRecords } from './samples.ts';
