/**
 * The CDK app: one IntegrationStack per environment (sandbox, then production), checked by
 * cdk-nag's AwsSolutions rules on every synth. Which functions exist follows the spec.
 */
import { fileURLToPath } from 'node:url';
import { addNagChecks, type IntegrationEntries, IntegrationStack } from '@kongo/infra';
import type { Environment } from '@kongo/runtime/spec';
import { App } from 'aws-cdk-lib';
import { spec } from '../src/spec.ts';

function entry(relative: string): string {
  return fileURLToPath(new URL(relative, import.meta.url));
}

export const ENTRIES: IntegrationEntries = {
  hubspotWebhook: entry('../src/handlers/hubspot-webhook.ts'),
  destinationWebhook: entry('../src/handlers/destination-webhook.ts'),
  hubspotToDestinationWorker: entry('../src/handlers/worker.ts'),
  destinationToHubspotWorker: entry('../src/handlers/worker.ts'),
  heartbeat: entry('../src/handlers/heartbeat.ts'),
  reconcile: entry('../src/handlers/reconcile.ts'),
};

export const ENVIRONMENTS: readonly Environment[] = ['sandbox', 'production'];

/** `kongo-{integration}-{environment}`, e.g. kongo-velflex-attendees-sandbox. */
export function stackName(environment: Environment): string {
  return `kongo-${spec.integration.name}-${environment}`;
}

export interface BuildAppOptions {
  outdir?: string;
  /** false skips esbuild bundling (tests checking the templates); `cdk synth` always bundles. */
  bundle?: boolean;
}

export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.bundle === false ? { context: { 'aws:cdk:bundling-stacks': [] } } : {}),
  });
  addNagChecks(app);
  for (const environment of ENVIRONMENTS) {
    new IntegrationStack(app, stackName(environment), {
      spec,
      environment,
      entries: ENTRIES,
      stackName: stackName(environment),
      ...(process.env.KONGO_ALARM_TOPIC_ARN ? { alarmTopicArn: process.env.KONGO_ALARM_TOPIC_ARN } : {}),
      ...(process.env.KONGO_CERTIFICATE_ARN ? { certificateArn: process.env.KONGO_CERTIFICATE_ARN } : {}),
    });
  }
  return app;
}
