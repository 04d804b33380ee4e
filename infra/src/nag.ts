/**
 * cdk-nag (AwsSolutions, v3 API) for every Kongo stack, and the complete list of findings we
 * acknowledge — each with the reason a reviewer needs. Tests pin this list, so a new
 * acknowledgement is a visible diff, never a silent one.
 */
import { type App, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  id: string;
  reason: string;
}

const NODE_22 =
  'Node.js 22 is the runtime the generated handlers are tested on (the CI matrix and the local runtime); moving to a newer Node.js is a deliberate, tested upgrade of the generator, not an automatic one.';

export const INTEGRATION_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  { id: 'AwsSolutions-L1', reason: NODE_22 },
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'The routes are webhook endpoints called by HubSpot and the destination system, which cannot present IAM, JWT or Lambda-authorizer credentials. Each request is authenticated inside the handler by the HMAC signature scheme the spec names, over the raw body, before anything is parsed; failures get 401 and touch nothing.',
  },
];

export const NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  { id: 'AwsSolutions-L1', reason: NODE_22 },
];

/** Acknowledged on each ingestion route only; the dashboard, read, replay and admin routes have an authorizer. */
export const NC_INGESTION_ROUTE_ACKNOWLEDGEMENT: Acknowledgement = {
  id: 'AwsSolutions-APIG4',
  reason:
    'Heartbeats, events and forwarded alarms are authenticated per integration inside the handler by that integration’s own key (kept in SSM on both sides; 401 before the body is looked at), and /healthz answers only { ok, now }; API Gateway authorizers cannot hold one key per client integration.',
};

/** Adds AwsSolutionsChecks to the app; findings then make synth throw. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export function acknowledgeIntegrationFindings(stack: Stack): void {
  Validations.of(stack).acknowledge(...INTEGRATION_ACKNOWLEDGEMENTS);
}

export function acknowledgeIngestionRoute(route: IConstruct): void {
  Validations.of(route).acknowledge(NC_INGESTION_ROUTE_ACKNOWLEDGEMENT);
}

export function acknowledgeNotificationCentreFindings(stack: Stack): void {
  Validations.of(stack).acknowledge(...NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS);
}
