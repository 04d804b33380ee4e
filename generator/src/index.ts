/** @kongo/generator: integration-spec.json → handler code, CDK app and pipeline, in explicit stages. */
export { formulaExpression, type Json, jsonExpression, print } from './ast.ts';
export { GeneratorError, InvalidSpecError } from './errors.ts';
export { extensionHooks } from './extensions-info.ts';
export {
  EMITTERS,
  type GeneratedProject,
  type GenerateInput,
  generate,
  generateFromLoaded,
} from './generate.ts';
export { commentSafe, headerLines } from './header.ts';
export {
  type DesiredSubscription,
  desiredSubscriptions,
  formatSetupSteps,
  type HubSpotSetupOptions,
  hubspotSetup,
  type SetupStep,
} from './hubspot-setup.ts';
export {
  checkEnumLabels,
  formatLabelCheck,
  hubspotOptionsFromProperties,
  type LabelCheck,
  type LabelCheckInput,
  type LabelSource,
  optionsFromStudioSchemas,
} from './labels.ts';
export { type LoadedSpec, loadSpec, loadSpecFile } from './load.ts';
export { type NormalizedIntegration, normalize } from './normalize.ts';
export { type FileKind, type GeneratedFile, OutputTree } from './output.ts';
export { generatorVersionOf, inlineCode, type ReviewInput, reviewMarkdown } from './review.ts';
export { type CheckReport, checkProject, type WriteReport, writeProject } from './save.ts';
export { TEMPLATE_ROOT } from './templates.ts';
export { type BinaryFile, packVendored, tarballPath, VENDORED_PACKAGES } from './vendor.ts';
export { GENERATOR_NAME, GENERATOR_VERSION } from './version.ts';
