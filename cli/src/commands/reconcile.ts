/**
 * `kongo reconcile SPEC`: reads both sides whole, repairs the mappings (rolled destination ids
 * followed by natural key or sync id, unlinked pairs linked), checks the spec's enumMap options
 * against the live ones, prints the report — N in HubSpot, M in the destination, K mapped, D
 * drifted and repaired, U unmatched with reasons — and posts its summary to the Notification Centre
 * (ids, counts and reasons only). Writes nothing to HubSpot or the destination. `--dry-run` repairs
 * nothing. Same connection options as `kongo sync`.
 */
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionOptions, connect, type SyncOutput } from './sync.ts';

const processOutput: SyncOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export interface ReconcileCommandOptions extends ConnectionOptions {
  dryRun?: boolean;
  json?: boolean;
  notify?: boolean;
  ncUrl?: string;
  ncKey?: string;
  labels?: boolean;
}

export async function runReconcileCommand(
  specFile: string,
  options: ReconcileCommandOptions,
  output: SyncOutput = processOutput,
): Promise<number> {
  const c = await connect(specFile, options);
  const reconcileModule = await import('@kongo/runtime/reconcile');
  const { createHubSpotSearchApi } = await import('@kongo/runtime/poll');
  const { createRateBudget } = await import('@kongo/runtime/outbound');
  const budget = createRateBudget({ limit: c.spec.hubspot.rateLimit });
  const hubspotToken = await c.secret(c.spec.hubspot.accessTokenParameter);
  const api = createHubSpotSearchApi({
    objectType: c.spec.hubspot.objectType,
    accessToken: hubspotToken,
    basePath: c.hubspotBaseUrl,
    budget,
  });
  try {
    // Each reconciliation run reads the live options once (never on a cold start: it spends budget).
    const liveOptions =
      options.labels === false
        ? undefined
        : await reconcileModule.readLiveOptions(c.spec, {
            hubspotBaseUrl: c.hubspotBaseUrl,
            hubspotToken,
            budget,
            destinationBaseUrl: c.destinationBaseUrl,
            ...(c.destinationToken === undefined ? {} : { destinationToken: c.destinationToken }),
            ...(c.connector ? { connector: c.connector } : {}),
          });
    const report = await reconcileModule.reconcile({
      spec: c.spec,
      store: c.store,
      search: api.search,
      destination: c.destination,
      ...(liveOptions ? { liveOptions } : {}),
      repair: !options.dryRun,
    });
    output.out(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : reconcileModule.formatReconcileReport(report),
    );
    if (options.notify !== false) {
      const url =
        options.ncUrl ??
        process.env.KONGO_NC_URL ??
        (await c.secrets.get(c.spec.monitoring.notificationCentre.urlParameter));
      const key = options.ncKey ?? (await c.secrets.get(c.spec.monitoring.notificationCentre.keyParameter));
      if (url && key) {
        try {
          await reconcileModule.postReconcileReport(c.spec, report, { url, key });
          if (!options.json) output.out(`Summary posted to the Notification Centre at ${url}.\n`);
        } catch (error) {
          output.err(
            `kongo reconcile: could not post the summary: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
      } else if (!options.json) {
        output.out('Notification Centre URL or key not set: summary not posted.\n');
      }
    }
    return 0;
  } finally {
    await api.stop();
    await budget.stop();
    c.close();
  }
}

export function register(program: Command): void {
  addConnectionOptions(
    program
      .command('reconcile')
      .description('compare both sides, repair mappings (rolled ids), check enum labels, report and notify')
      .argument('<spec>', 'integration-spec.json')
      .option('--dry-run', 'report what would be repaired; change nothing')
      .option('--json', 'print the report as JSON')
      .option('--no-labels', 'skip the enumMap check against the live options (saves a few API calls)')
      .option('--no-notify', "don't post the summary to the Notification Centre")
      .option(
        '--nc-url <url>',
        "the Notification Centre's URL (default: $KONGO_NC_URL or the spec's urlParameter)",
      )
      .option(
        '--nc-key <key>',
        "this integration's Notification Centre key (default: the spec's keyParameter)",
      ),
  ).action(async (specFile: string, options: ReconcileCommandOptions) => {
    process.exitCode = await runReconcileCommand(specFile, options);
  });
}
