/** The studio's mapping model: framework-free state, changes, validation, suggestions, drift, importers. */
export {
  applyMappingChange,
  type ConnectFrom,
  type ConnectTo,
  isNavigation,
  type MappingChange,
  readAt,
  rejectionKey,
  type Slot,
} from './changes.ts';
export { type DriftItem, detectDrift, referencedFields, snapshotsOf, syncSnapshots } from './drift.ts';
export { applyToHistory, canRedo, canUndo, createHistory, type History, redo, undo } from './history.ts';
export {
  type DestinationTemplate,
  type HubSpotObject,
  integrationNameProblem,
  localAppId,
  type NewIntegrationInput,
  newIntegrationSpec,
  slugify,
} from './new-integration.ts';
export {
  directionRefusal,
  type FieldPair,
  FORMULA_PRESETS,
  type FormulaPreset,
  findPair,
  inverseValue,
  PAIR_ARROWS,
  type PairDirection,
  type PairRef,
  PRESET_LABELS,
  pairsOf,
  presetOf,
  presetValue,
  primaryField,
} from './pairs.ts';
export {
  type EnumSuggestion,
  likelyPairs,
  meaningKey,
  normalizeName,
  type PairSuggestion,
  type Suggestion,
  suggestEnumEntries,
  suggestMappings,
  whyNoEnumSuggestions,
} from './suggestions.ts';
export type * from './types.ts';
export { DIRECTIONS, sidesOf } from './types.ts';
export {
  type Problem,
  type ProblemCode,
  type ProblemLocation,
  typeFit,
  validateWorkspace,
} from './validation.ts';
export {
  childrenOf,
  describeValue,
  emptyFormula,
  FORMULA_KINDS,
  fieldsRead,
  formulaName,
  outputType,
  valueAt,
  withValueAt,
} from './values.ts';
export { createWorkspace, fieldIndex, flowOf, mappingsOf, schemaOf, starterSpec } from './workspace.ts';
