/**
 * `npm start`: the whole product on one machine, on its embedded defaults. Prints one line per
 * component ("Studio: http://127.0.0.1:PORT/" …); Ctrl-C stops everything; a second start while
 * one runs says what is running instead of failing on a busy port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { webhookPath } from '@kongo/runtime/spec';
import { acquireLock } from './start/lock.ts';
import { readPorts } from './start/ports.ts';
import { allStarterSpecs, type Sandbox, startSandbox } from './start/sandbox.ts';
import { studioOptionsFor } from './start/studio-wiring.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const stateDir = join(repoRoot, '.kongo');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build the studio once (and again when its sources or the runtime's spec/formulas changed). */
function ensureStudioBuilt(): void {
  const studioDir = join(repoRoot, 'studio');
  const built = join(studioDir, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(studioDir, 'src')),
    newestMtime(join(repoRoot, 'runtime', 'src', 'spec')),
    newestMtime(join(repoRoot, 'runtime', 'src', 'formulas')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('Building the studio (first start, about 30 s)…');
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
    {
      cwd: studioDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0)
    throw new Error('the studio build failed (see above); try `npm run build -w studio`');
}

async function main(): Promise<void> {
  const ports = readPorts();
  const lock = acquireLock(join(stateDir, 'sandbox.lock'));
  if (!lock.ok) {
    console.error(`Kongo is already running (pid ${lock.holder.pid}, started ${lock.holder.startedAt}):`);
    for (const [name, url] of Object.entries(lock.holder.urls)) console.error(`  ${name}: ${url}`);
    console.error('Stop it with Ctrl-C in its terminal, or open the URLs above.');
    process.exitCode = 1;
    return;
  }

  let sandbox: Sandbox | undefined;
  let studio: { url: string; origin: string; close(): Promise<void> } | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await studio?.close().catch(() => {});
    await sandbox?.close().catch(() => {});
    lock.release();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    ensureStudioBuilt();
    sandbox = await startSandbox({
      stateDir,
      ports,
      // Locally a heartbeat every minute (the deployed minimum) so the dashboard is lively.
      heartbeatSeconds: Number(process.env.KONGO_HEARTBEAT_SECONDS ?? 60),
      // Opt-in: the simulators of real systems (Zoom, ServiceM8, Jobber, Webex Events), and every starter
      // with them (the ones on catalog connectors included); state under .kongo/.
      ...(process.env.KONGO_REAL_SIMS === '1' ? { realSystems: true, specs: allStarterSpecs() } : {}),
      // A real portal when a private-app token is configured (that mode polls; docs/OPERATIONS.md).
      ...(process.env.KONGO_HUBSPOT_TOKEN
        ? {
            realHubSpot: {
              accessToken: process.env.KONGO_HUBSPOT_TOKEN,
              ...(process.env.KONGO_HUBSPOT_BASE_URL ? { baseUrl: process.env.KONGO_HUBSPOT_BASE_URL } : {}),
            },
          }
        : {}),
      log: (line) => console.log(`  · ${line}`),
    });
    const { startStudio } = await import('@kongo/studio');
    const running = sandbox;
    studio = await startStudio({
      port: ports.studio,
      ...studioOptionsFor(
        running,
        process.env.KONGO_HUBSPOT_TOKEN
          ? (process.env.KONGO_HUBSPOT_BASE_URL ?? 'https://api.hubapi.com')
          : running.urls.hubspot,
      ),
      mode: 'dist',
    });
    const lines: Record<string, string> = {
      Studio: studio.url,
      'Notification Centre': running.notificationCentre.launchUrl,
    };
    for (const loaded of running.integrations.values()) {
      const label = loaded.spec.destination.api === 'graphql' ? '' : ` (${loaded.name})`;
      lines[`HubSpot webhooks${label}`] = running.urls.gateway + webhookPath(loaded.spec, 'hubspot');
      lines[`Destination webhooks (${loaded.name})`] =
        running.urls.gateway + webhookPath(loaded.spec, 'destination');
    }
    Object.assign(lines, {
      'HubSpot simulator': `${running.urls.hubspot}/`,
      'Events simulator': `${running.urls.events}/`,
      'Jobs simulator': `${running.urls.jobs}/`,
      'Local gateway': `${running.urls.gateway}/`,
      'Slack receiver': `${running.urls.slack}/`,
      'DynamoDB (dynalite)': running.urls.dynamo,
    });
    for (const real of await running.realSystems()) lines[real.label] = `${real.url}/`;
    lock.update(lines);
    console.log('');
    for (const [name, url] of Object.entries(lines)) console.log(`${name}: ${url}`);
    console.log(
      '\nChange a contact in the HubSpot simulator (see docs/OPERATIONS.md) and watch it land. Ctrl-C stops everything.',
    );
  } catch (error) {
    console.error(`npm start failed: ${(error as Error).message}`);
    await stop(1);
  }
}

await main();
