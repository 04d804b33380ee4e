/** The integration-spec.json contract: types, schema, validation and webhook paths. Browser-safe. */
export {
  applyDerivedDefaults,
  DERIVED_DEFAULTS,
  defaultGraphQLOptions,
  defaultRestOptions,
  pluralize,
} from './defaults.ts';
export {
  deployedEnvironments,
  ENVIRONMENT_NAMES,
  type EnvironmentSchedules,
  environmentProblems,
  environmentSchedules,
  resolveEnvironment,
  specForProcess,
} from './environments.ts';
export { parseJsonDocument, parseSpecText } from './parse.ts';
export { type WebhookSource, webhookPath, webhookUrl } from './paths.ts';
export { childPointer, formatProblem, pointerSegment, SpecError, type SpecProblem } from './problems.ts';
export { type IntegrationSpecSchema, integrationSpecSchema, PATTERNS, SPEC_SCHEMA_ID } from './schema.ts';
export { HUBSPOT_EVENT_KINDS } from './semantic.ts';
export { closestMatch, didYouMean } from './suggest.ts';
export type {
  ConcatFormula,
  DeletePolicy,
  DestinationApi,
  DestinationAuth,
  DestinationPolling,
  DestinationSide,
  DestinationWebhooks,
  Direction,
  EmptyValuePolicy,
  EnumMapFormula,
  Environment,
  EnvironmentOverlay,
  FieldOwner,
  FieldRef,
  Flow,
  Formula,
  FormulaName,
  GraphQLOptions,
  HubSpotObjectType,
  HubSpotRateLimit,
  HubSpotSide,
  HubSpotSignatureVersion,
  IdempotencyMode,
  IntegrationSpec,
  Literal,
  LowercaseFormula,
  Mapping,
  Monitoring,
  NaturalKey,
  NullFormula,
  Policies,
  RestOptions,
  StripSpacesFormula,
  Value,
} from './types.ts';
export { FORMULA_NAMES, SPEC_VERSION } from './types.ts';
export {
  assertValidSpec,
  translate as schemaErrorProblem,
  type ValidationResult,
  validateSpec,
} from './validate.ts';
export { checkValue, MAX_VALUE_DEPTH } from './values.ts';
