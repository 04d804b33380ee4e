/**
 * `npm run start -w studio` (built app) / `npm run dev -w studio` (Vite): the studio on its own.
 * Environment: STUDIO_PORT (default 4173), HUBSPOT_BASE_URL (default https://api.hubapi.com),
 * EVENTS_URL + EVENTS_TOKEN and JOBS_URL + JOBS_TOKEN for the destination simulators.
 */
import type { DestinationEndpoint } from './destinations.ts';
import { startStudio } from './studio-server.ts';

const destinations: DestinationEndpoint[] = [];
if (process.env.EVENTS_URL)
  destinations.push({
    name: 'events-platform',
    api: 'graphql',
    url: process.env.EVENTS_URL,
    token: process.env.EVENTS_TOKEN ?? 'sk_test_kongo_events',
    objectType: 'Attendee',
  });
if (process.env.JOBS_URL)
  destinations.push({
    name: 'job-system',
    api: 'rest',
    url: process.env.JOBS_URL,
    token: process.env.JOBS_TOKEN ?? 'jobs_test_token',
    objectType: 'jobs',
  });

const studio = await startStudio({
  port: Number(process.env.STUDIO_PORT ?? 4173),
  hubspotBaseUrl: process.env.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com',
  destinations,
  mode: process.argv.includes('--dev') ? 'vite' : 'dist',
});
console.log(`Studio: ${studio.url}`);
const stop = () => void studio.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
