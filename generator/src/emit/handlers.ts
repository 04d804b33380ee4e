/**
 * Emitter: the Lambda handlers (webhooks verify + enqueue, a worker per direction, the heartbeat,
 * the poller when the spec polls), the runtime composition they share, and — once, never
 * overwritten — the hand-written extensions module.
 */
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

export function emitHandlers(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  templates.copy(tree, 'src/runtime.ts', 'src/runtime.gen.ts');
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
