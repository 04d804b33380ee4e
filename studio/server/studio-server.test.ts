import { request } from 'node:http';
import { startEventsSimulator } from '@kongo/sandbox/events';
import { startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import { startJobsSimulator } from '@kongo/sandbox/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StudioServer, startStudio } from './studio-server.ts';

const TOKEN = 'pat-na1-server-test';
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let events: Awaited<ReturnType<typeof startEventsSimulator>>;
let jobs: Awaited<ReturnType<typeof startJobsSimulator>>;
let studio: StudioServer;
let generatorReady = false;

beforeAll(async () => {
  hubspot = await startHubSpotSimulator({
    apps: [{ appId: 7, clientSecret: 'secret-x', accessToken: TOKEN }],
    indexingLagMs: 0,
  });
  events = await startEventsSimulator({ webhooks: 'none' });
  jobs = await startJobsSimulator({});
  events.store.create({ email: 'a@b.example', firstName: 'A', status: 'REGISTERED' }, 'ui');
  jobs.store.create(
    {
      reference: 'J-1',
      title: 'Fit-out',
      customerEmail: 'a@b.example',
      status: 'QUOTED',
      value: 1200,
      siteAddress: '1 Main St',
      scheduledDate: '2026-12-01',
      notes: '',
    },
    'ui',
  );
  studio = await startStudio({
    hubspotBaseUrl: hubspot.url,
    sessionToken: 'session-123',
    distDir: '/nonexistent',
    destinations: [
      {
        name: 'events-platform',
        api: 'graphql',
        url: events.url,
        token: events.token,
        objectType: 'Attendee',
      },
      { name: 'job-system', api: 'rest', url: jobs.url, token: jobs.token, objectType: 'jobs' },
    ],
    loadGenerator: async () =>
      !generatorReady
        ? null
        : {
            generate: (input: { specText: string }) => ({
              files: [{ path: 'out.txt', content: input.specText }],
            }),
          },
  });
});

afterAll(async () => {
  await studio.close();
  await Promise.all([hubspot.close(), events.close(), jobs.close()]);
});

/** Raw HTTP so Host and Origin can be anything (fetch would fix them). */
function call(path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port: studio.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const host = () => `127.0.0.1:${studio.port}`;
const origin = () => `http://127.0.0.1:${studio.port}`;
const session = { cookie: 'kongo_studio_session=session-123' };

describe('the studio server', () => {
  it('prints a launch URL on 127.0.0.1 that carries the session once, then swaps it for an HttpOnly cookie', async () => {
    expect(studio.url).toBe(`http://127.0.0.1:${studio.port}/?session=session-123`);
    const res = await call('/?session=session-123', { host: host() });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(String(res.headers['set-cookie'])).toMatch(
      /kongo_studio_session=session-123; HttpOnly; SameSite=Strict/,
    );
  });

  it('refuses another Host (DNS rebinding) and another Origin (CSRF)', async () => {
    expect((await call('/api/status', { host: 'evil.example:80', ...session })).status).toBe(403);
    const post = await call(
      '/api/hubspot/connect',
      { host: host(), origin: 'http://evil.example', ...session },
      'POST',
      '{}',
    );
    expect(post.status).toBe(403);
    const noOrigin = await call('/api/hubspot/connect', { host: host(), ...session }, 'POST', '{}');
    expect(noOrigin.status).toBe(403);
  });

  it('refuses requests without the session', async () => {
    expect((await call('/api/status', { host: host() })).status).toBe(401);
    expect((await call('/api/status', { host: host(), cookie: 'kongo_studio_session=wrong' })).status).toBe(
      401,
    );
    expect((await call('/?session=wrong', { host: host() })).status).toBe(401);
  });

  it('keeps the HubSpot token server-side and reads properties through it', async () => {
    const bad = await call(
      '/api/hubspot/connect',
      { host: host(), origin: origin(), ...session },
      'POST',
      JSON.stringify({ token: 'nope' }),
    );
    expect(bad.status).toBe(401);
    const ok = await call(
      '/api/hubspot/connect',
      { host: host(), origin: origin(), ...session },
      'POST',
      JSON.stringify({ token: TOKEN }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body).not.toContain(TOKEN);
    const status = await call('/api/status', { host: host(), ...session });
    expect(JSON.parse(status.body).hubspot.connected).toBe(true);
    expect(status.body).not.toContain(TOKEN);
    const props = JSON.parse(
      (await call('/api/hubspot/properties?objectType=contacts', { host: host(), ...session })).body,
    );
    expect(props.results.some((p: { name: string }) => p.name === 'email')).toBe(true);
  });

  it('answers 501 until the generator exists, then returns its files', async () => {
    const body = JSON.stringify({ spec: { a: 1 } });
    const first = await call('/api/generate', { host: host(), origin: origin(), ...session }, 'POST', body);
    expect(first.status).toBe(501);
    expect(JSON.parse(first.body).error.message).toMatch(/generator .* not available yet/);
    generatorReady = true;
    const second = await call('/api/generate', { host: host(), origin: origin(), ...session }, 'POST', body);
    expect(JSON.parse(second.body)).toEqual({ files: { 'out.txt': '{\n  "a": 1\n}\n' } });
  });

  it('reads destination schemas and records: GraphQL introspection, REST sample records', async () => {
    const get = async (path: string) => JSON.parse((await call(path, { host: host(), ...session })).body);
    const graphql = await get('/api/destinations/events-platform/schema');
    expect(graphql.kind).toBe('graphql');
    expect(
      graphql.introspection.data.__schema.types.some((t: { name: string }) => t.name === 'AttendeeInput'),
    ).toBe(true);
    expect((await get('/api/destinations/events-platform/samples')).records).toEqual([
      expect.objectContaining({ email: 'a@b.example', status: 'REGISTERED' }),
    ]);
    const rest = await get('/api/destinations/job-system/schema');
    expect(rest).toMatchObject({
      kind: 'samples',
      group: 'jobs',
      readOnly: ['id', 'createdAt', 'updatedAt'],
    });
    expect(rest.samples[0]).toMatchObject({ reference: 'J-1', status: 'QUOTED' });
    expect((await call('/api/destinations/nope/schema', { host: host(), ...session })).status).toBe(404);
  });

  it('says how to build the app when studio/dist is missing', async () => {
    const res = await call('/', { host: host(), ...session });
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build -w studio');
  });
});
