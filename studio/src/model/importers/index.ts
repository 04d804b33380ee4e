/** Schema importers: catalog connectors, HubSpot properties, JSON Schema, OpenAPI 3, GraphQL introspection, sample records. */
export { type ConnectorField, importConnectorFields } from './connector.ts';
export { ImportError } from './errors.ts';
export { graphqlTypeNames, importGraphQLIntrospection } from './graphql.ts';
export { importHubSpotProperties } from './hubspot.ts';
export { importJsonSchema } from './json-schema.ts';
export { importOpenApi, openApiSchemaNames } from './openapi.ts';
export { importSampleRecords } from './samples.ts';
