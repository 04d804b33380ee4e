/**
 * The simulators of the backfill benchmark in their own process (so their work doesn't share the
 * backfill's event loop): three HubSpot simulators with the same starting state (the measured
 * backfill's, the naive sync's, the interrupted-and-resumed backfill's) and the events platform. Prints one JSON line with their URLs, then serves
 * until killed. Used by backfill.bench.ts; not run on its own.
 */
import { startEventsSimulator } from '../../sandbox/src/events/index.ts';
import { startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';

export const BENCH_APP = { appId: 5150, clientSecret: 'bench-secret', accessToken: 'pat-bench-backfill' };
export const SETUP_APP = { appId: 5151, clientSecret: 'setup-secret', accessToken: 'pat-bench-setup' };

const per10Seconds = Number(process.argv[2] ?? '100');
const hubspot = await Promise.all(
  [0, 1, 2].map(() =>
    startHubSpotSimulator({
      apps: [
        { ...BENCH_APP, per10Seconds, daily: 250_000 },
        { ...SETUP_APP, per10Seconds: 1_000_000, daily: 10_000_000 },
      ],
      limits: { daily: 10_000_000 },
      indexingLagMs: 0,
    }),
  ),
);
const events = await startEventsSimulator({
  webhooks: 'none',
  limits: { secondlyThreshold: 1_000_000, dailyThreshold: 100_000_000 },
});
process.stdout.write(
  `${JSON.stringify({ hubspot: hubspot.map((h) => h.url), events: events.url, eventsToken: events.token })}\n`,
);
process.on('SIGTERM', () => {
  void Promise.all([...hubspot.map((h) => h.close()), events.close()]).then(() => process.exit(0));
});
