/**
 * Kongo's own CDK app: the central Notification Centre stack, cdk-nag checked. Deploy from the
 * monorepo with `npx aws-cdk@2.1148.0 deploy --app "node --import tsx infra/src/notification-centre-app.ts"`
 * (env KONGO_NC_REGION, KONGO_NC_PUBLIC_URL optional).
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag.ts';
import { NotificationCentreStack } from './notification-centre-stack.ts';

export const NOTIFICATION_CENTRE_ENTRY = fileURLToPath(
  new URL('../../notification-centre/src/lambda.ts', import.meta.url),
);

export interface NotificationCentreAppOptions {
  outdir?: string;
  /** false skips esbuild bundling (fast tests); deploys always bundle. */
  bundle?: boolean;
  region?: string;
  publicUrl?: string;
}

export function buildNotificationCentreApp(options: NotificationCentreAppOptions = {}): App {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.bundle === false ? { context: { 'aws:cdk:bundling-stacks': [] } } : {}),
  });
  addNagChecks(app);
  new NotificationCentreStack(app, 'KongoNotificationCentre', {
    entry: NOTIFICATION_CENTRE_ENTRY,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  });
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildNotificationCentreApp({
    ...(process.env.KONGO_NC_REGION ? { region: process.env.KONGO_NC_REGION } : {}),
    ...(process.env.KONGO_NC_PUBLIC_URL ? { publicUrl: process.env.KONGO_NC_PUBLIC_URL } : {}),
  }).synth();
}
