/** The closed formula set (null, enumMap, stripSpaces, lowercase, concat): builders and the engine. Browser-safe. */
export { concat, enumMap, field, literal, lowercase, nul, stripSpaces } from './builders.ts';
export {
  applyTransforms,
  type EvaluationResult,
  evaluateValue,
  type FieldError,
  type FieldErrorCode,
  fieldsOf,
  type OutputValue,
  sourceFields,
  type TransformResult,
} from './evaluate.ts';
export { lowercaseText, STRIPPED_CHARACTERS, stripSpacesText } from './text.ts';
