/** The connector format: types, schema, validation, field paths, templates. Browser-safe. */
export { connectorForLegacySpec, LEGACY_GRAPHQL_ID, LEGACY_REST_ID, legacyRecipe } from './legacy.ts';
export { getPath, parsePath, pathProblem, setPath } from './paths.ts';
export { connectorSchema } from './schema.ts';
export { checkSpecWithConnector, credentialNames } from './spec-check.ts';
export { formatTime, parseTimeValue, placeholders, renderJson, renderText } from './template.ts';
export type * from './types.ts';
export { CONNECTOR_VERSION } from './types.ts';
export {
  assertValidConnector,
  ConnectorError,
  type ConnectorProblem,
  type ConnectorValidation,
  parseConnectorText,
  validateConnector,
} from './validate.ts';
export { parseWebhookBody, type WebhookEvent, webhookEvents } from './webhook-events.ts';
