/**
 * Emitter: the Lambda handlers (webhooks verify + enqueue, a worker per direction, the heartbeat,
 * the daily reconciliation, the poller when the spec polls), the runtime composition they share, and — once, never
 * overwritten — the hand-written extensions module.
 */
import type { HubSpotObjectType } from '@kongo/runtime/spec';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

/**
 * `@kongo/runtime`'s HubSpot object API per object type. runtime.gen.ts names the spec's one, so
 * esbuild bundles only that object type's generated HubSpot client into each handler.
 */
export const HUBSPOT_OBJECT_APIS = {
  contacts: 'hubspotContactsApi',
  companies: 'hubspotCompaniesApi',
  deals: 'hubspotDealsApi',
} as const satisfies Record<HubSpotObjectType, string>;

export function emitHandlers(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  const runtime = templates.copy(tree, 'src/runtime.ts', 'src/runtime.gen.ts');
  const apiName = HUBSPOT_OBJECT_APIS[integration.codeSpec.hubspot.objectType];
  const runtimeImport = runtime.getImportDeclarationOrThrow('@kongo/runtime');
  const templateApi = runtimeImport
    .getNamedImports()
    .find((named) => named.getName() === HUBSPOT_OBJECT_APIS.contacts);
  if (!templateApi)
    throw new Error('templates/integration/src/runtime.ts no longer imports hubspotContactsApi');
  // h… sorts between createIntegrationRuntime and IntegrationRuntime for every object type: the
  // import order (and so the formatting) stays as the template has it.
  templateApi.setName(apiName);
  runtime.getVariableDeclarationOrThrow('hubspotApi').getInitializerOrThrow().replaceWithText(apiName);
  templates.copy(tree, 'src/environment.ts', 'src/environment.gen.ts');
  if (
    integration.functions.some(
      (fn) => fn.entryKey === 'hubspotWebhook' || fn.entryKey === 'destinationWebhook',
    )
  ) {
    templates.copy(tree, 'src/webhook.ts', 'src/webhook.gen.ts');
  }
  for (const fn of integration.functions) templates.copy(tree, `src/handlers/${fn.template}`, fn.path);
}

export function emitExtensions(
  _integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  templates.copy(tree, 'src/extensions.ts', 'src/extensions.ts', 'once');
}
