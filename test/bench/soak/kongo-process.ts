/**
 * Kongo's own half of `npm start` — the local gateway and the integration's worker loops — as one child
 * process, so the soak benchmark can SIGKILL it and start it again on the same data folder while the
 * simulators (the outside world) keep running. The same parts `startSandbox` composes: `startGateway`,
 * `createIntegrationRuntime` with `localEnvironment`, `routesFor`, `startWorkerLoops`. dynalite runs in
 * its own process, started by the parent. Config: JSON in argv[2]. Tells the parent "ready" over IPC.
 */
import { readFileSync } from 'node:fs';
import { createIntegrationRuntime, localEnvironment } from '../../../runtime/src/integration.ts';
import { type IntegrationSpec, validateSpec } from '../../../runtime/src/spec/index.ts';
import { startGateway } from '../../../sandbox/src/gateway/index.ts';
import { routesFor, startWorkerLoops } from '../../../sandbox/src/start/sandbox.ts';

export interface KongoProcessConfig {
  /** The integration spec file (validated here; defaults applied). */
  specFile: string;
  gatewayPort: number;
  dynamoEndpoint: string;
  tableName: string;
  secretsFile: string;
  hubspotBaseUrl: string;
  destinationBaseUrl: string;
  workers: number;
  /** Write the runtime's log lines (JSON, ids and outcomes only) to stdout, i.e. the data folder's kongo.log. */
  log?: boolean;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const config = JSON.parse(process.argv[2] ?? '{}') as KongoProcessConfig;
const checked = validateSpec(JSON.parse(readFileSync(config.specFile, 'utf8')));
if (!checked.ok) {
  const first = checked.problems[0];
  throw new Error(`${config.specFile}: invalid spec (${first?.pointer ?? ''} ${first?.message ?? ''})`);
}
const gateway = await startGateway({ port: config.gatewayPort });
// HubSpot's v3 signature covers the URL it called: the spec's public base URL is the local gateway.
const spec: IntegrationSpec = { ...checked.spec, publicBaseUrl: gateway.url };
const runtime = createIntegrationRuntime({
  spec,
  environment: localEnvironment({
    dynamoEndpoint: config.dynamoEndpoint,
    tableName: config.tableName,
    secretsFile: config.secretsFile,
    hubspotBaseUrl: config.hubspotBaseUrl,
    destinationBaseUrl: config.destinationBaseUrl,
    logSink: config.log ? (line) => process.stdout.write(`${line}\n`) : () => {},
  }),
});
const name = spec.integration.name;
gateway.setRoutes(name, routesFor({ name, spec, runtime }));
const workers = startWorkerLoops(name, runtime, {
  workers: config.workers,
  log: (line) => process.stderr.write(`  kongo: ${line}\n`),
});
process.send?.('ready');

const stop = async () => {
  await workers.stop();
  await gateway.close();
  await runtime.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
