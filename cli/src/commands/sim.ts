/** `kongo sim hubspot|events|jobs|zoom|servicem8|… --port P`: runs one simulator in the foreground until Ctrl-C. */
import { type Command, InvalidArgumentError } from 'commander';

interface RunningSimulator {
  url: string;
  close(): Promise<void> | void;
}

interface SimulatorEntry {
  title: string;
  module: string;
  start: string;
}

/** The simulators, by CLI name: where each lives and the function that starts it. */
export const SIMULATORS: Readonly<Record<string, SimulatorEntry>> = {
  hubspot: { title: 'HubSpot simulator', module: '@kongo/sandbox/hubspot', start: 'startHubSpotSimulator' },
  events: {
    title: 'Events platform simulator',
    module: '@kongo/sandbox/events',
    start: 'startEventsSimulator',
  },
  jobs: { title: 'Job system simulator', module: '@kongo/sandbox/jobs', start: 'startJobsSimulator' },
  zoom: {
    title: 'Zoom simulator (meeting registrants)',
    module: '@kongo/sandbox/zoom',
    start: 'startZoomSimulator',
  },
  servicem8: {
    title: 'ServiceM8 simulator (jobs)',
    module: '@kongo/sandbox/servicem8',
    start: 'startServiceM8Simulator',
  },
  jobber: {
    title: 'Jobber simulator (clients)',
    module: '@kongo/sandbox/jobber',
    start: 'startJobberSimulator',
  },
  'webex-events': {
    title: 'Webex Events simulator (attendees)',
    module: '@kongo/sandbox/webex-events',
    start: 'startWebexEventsSimulator',
  },
};

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

function isRunning(value: unknown): value is RunningSimulator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { url?: unknown }).url === 'string' &&
    typeof (value as { close?: unknown }).close === 'function'
  );
}

/** Starts the named simulator; resolves once it listens. */
export async function startSimulator(name: string, options: { port?: number }): Promise<RunningSimulator> {
  const entry = SIMULATORS[name];
  if (!entry) throw new Error(`unknown simulator "${name}"; choose ${Object.keys(SIMULATORS).join(', ')}`);
  // A variable specifier: the CLI loads even where a simulator is not installed.
  const specifier: string = entry.module;
  const module = (await import(specifier)) as Record<string, unknown>;
  const start = module[entry.start];
  if (typeof start !== 'function') throw new Error(`${entry.module} does not export ${entry.start}()`);
  const simulator: unknown = await start(options.port === undefined ? {} : { port: options.port });
  if (!isRunning(simulator)) throw new Error(`${entry.start}() did not return { url, close() }`);
  return simulator;
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(`run a simulator (${Object.keys(SIMULATORS).join(', ')}) until Ctrl-C`)
    .argument('<name>', `simulator: ${Object.keys(SIMULATORS).join(' | ')}`)
    .option('-p, --port <port>', 'port to listen on (default: the simulator’s own)', parsePort)
    .action(async (name: string, options: { port?: number }) => {
      const entry = SIMULATORS[name];
      if (!entry) {
        process.stderr.write(
          `kongo sim: unknown simulator "${name}"; choose ${Object.keys(SIMULATORS).join(', ')}\n`,
        );
        process.exitCode = 1;
        return;
      }
      const simulator = await startSimulator(name, options);
      process.stdout.write(`${entry.title}: ${simulator.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await simulator.close();
      process.stdout.write(`${entry.title} stopped\n`);
    });
}
