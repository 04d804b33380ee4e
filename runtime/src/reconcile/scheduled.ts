/**
 * The scheduled reconciliation job: what an EventBridge-scheduled Lambda (or a local timer) calls,
 * from the same `RuntimeEnvironment` as the integration's other functions. Reads the live enum
 * options (labels check), reconciles, posts the summary to the Notification Centre.
 */
import type { ConnectorDocument } from '../connector/types.ts';
import type { RuntimeEnvironment } from '../integration.ts';
import { connectorFor, destinationClientFor, storeCredentialLock } from '../outbound/destination-factory.ts';
import { createRateBudget } from '../outbound/rate-limit.ts';
import { createHubSpotSearchApi } from '../poll/hubspot-search-api.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { effectiveFlows, fieldSets } from '../worker/pipeline.ts';
import type { MappingsOverride } from '../worker/types.ts';
import { readLiveOptions } from './live-options.ts';
import { postReconcileReport } from './notify.ts';
import { type ReconcileReport, reconcile } from './run.ts';

export interface ScheduledReconciliationOptions {
  spec: IntegrationSpec;
  environment: RuntimeEnvironment;
  mappings?: MappingsOverride;
  /** The connector the spec names (generated code embeds it); a spec without one means a legacy entry. */
  connector?: ConnectorDocument;
  /** Default true. */
  repair?: boolean;
  /** Check enumMap options against the live ones (a few API calls). Default true. */
  checkLabels?: boolean;
  /** Post the summary to the Notification Centre when its URL and key are set. Default true. */
  notify?: boolean;
}

export interface ScheduledReconciliationResult {
  report: ReconcileReport;
  /** True when the summary reached the Notification Centre. */
  notified: boolean;
}

async function required(environment: RuntimeEnvironment, name: string): Promise<string> {
  const value = await environment.secrets().get(name);
  if (!value)
    throw new Error(
      `Secret ${name} is not set: add it to SSM Parameter Store (or .kongo/secrets.json locally).`,
    );
  return value;
}

export async function runScheduledReconciliation(
  options: ScheduledReconciliationOptions,
): Promise<ScheduledReconciliationResult> {
  const { spec, environment } = options;
  const budget = createRateBudget({ limit: spec.hubspot.rateLimit, share: environment.budgetShare ?? 1 });
  const hubspotToken = await required(environment, spec.hubspot.accessTokenParameter);
  const search = createHubSpotSearchApi({
    objectType: spec.hubspot.objectType,
    accessToken: hubspotToken,
    basePath: environment.hubspotBaseUrl,
    budget,
    ...(environment.fetch ? { fetch: environment.fetch } : {}),
  });
  try {
    // The same connector client the worker and the poller use: auth, paging and ids as the connector says.
    const connector = connectorFor(spec, options.connector);
    const baseUrl = environment.destinationBaseUrl ?? spec.destination.baseUrl;
    const store = environment.store();
    const destination = destinationClientFor({
      spec,
      connector,
      secrets: environment.secrets(),
      ...(environment.destinationBaseUrl ? { baseUrl: environment.destinationBaseUrl } : {}),
      fields: fieldSets(spec, effectiveFlows(spec, options.mappings)).destinationFields,
      lock: storeCredentialLock(store, spec.integration.name),
      ...(environment.fetch ? { fetch: environment.fetch } : {}),
    });
    const liveOptions =
      options.checkLabels === false
        ? undefined
        : await readLiveOptions(spec, {
            hubspotBaseUrl: environment.hubspotBaseUrl,
            hubspotToken,
            budget,
            destinationBaseUrl: baseUrl,
            ...(spec.destination.connector === undefined
              ? { destinationToken: await required(environment, spec.destination.auth.tokenParameter) }
              : { connector }),
            ...(environment.fetch ? { fetch: environment.fetch } : {}),
          });
    const report = await reconcile({
      spec,
      store,
      search: search.search,
      destination,
      ...(options.mappings ? { mappings: options.mappings } : {}),
      ...(liveOptions ? { liveOptions } : {}),
      repair: options.repair ?? true,
      ...(environment.clock ? { clock: environment.clock } : {}),
    });
    let notified = false;
    if (options.notify !== false) {
      const url =
        environment.notificationCentreUrl ??
        (await environment.secrets().get(spec.monitoring.notificationCentre.urlParameter));
      const key = await environment.secrets().get(spec.monitoring.notificationCentre.keyParameter);
      if (url && key) {
        await postReconcileReport(spec, report, { url, key });
        notified = true;
      }
    }
    return { report, notified };
  } finally {
    await search.stop();
    await budget.stop();
  }
}
