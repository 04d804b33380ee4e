/**
 * The CDK app: one IntegrationStack per environment the spec deploys (sandbox, then production),
 * each built from that environment's overlay only, checked by cdk-nag's AwsSolutions rules on every
 * synth. Which functions exist follows the spec.
 */
import { fileURLToPath } from 'node:url';
import { addNagChecks, type IntegrationEntries, IntegrationStack } from '@kongo/infra';
import { deployedEnvironments, type Environment } from '@kongo/runtime/spec';
import { App } from 'aws-cdk-lib';
import { declaredSpec as spec } from '../src/spec.ts';

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

/** The spec's `environments` (or its one top-level `environment`), sandbox first. */
export const ENVIRONMENTS: readonly Environment[] = deployedEnvironments(spec);

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
    // Each environment's own certificate for its own publicBaseUrl host (KONGO_CERTIFICATE_ARN_SANDBOX, …).
    const certificateArn = process.env[`KONGO_CERTIFICATE_ARN_${environment.toUpperCase()}`];
    new IntegrationStack(app, stackName(environment), {
      spec,
      environment,
      entries: ENTRIES,
      stackName: stackName(environment),
      ...(process.env.KONGO_ALARM_TOPIC_ARN ? { alarmTopicArn: process.env.KONGO_ALARM_TOPIC_ARN } : {}),
      ...(certificateArn ? { certificateArn } : {}),
    });
  }
  return app;
}
