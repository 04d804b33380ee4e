// State files of the four real-system simulators: records survive a restart through plain HTTP; a corrupt file is named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startJobberSimulator } from './jobber/index.ts';
import { startServiceM8Simulator } from './servicem8/index.ts';
import { startWebexEventsSimulator } from './webex-events/index.ts';
import { startZoomSimulator } from './zoom/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kongo-real-sims-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });

describe('state files of the real-system simulators', () => {
  it('Zoom keeps registrants (same ids) across a restart', async () => {
    const file = join(dir, 'zoom.json');
    const first = await startZoomSimulator({ stateFile: file });
    const created = (await (
      await post(`${first.url}/_admin/records`, { email: 'a@example.com', first_name: 'A' })
    ).json()) as { id: string };
    await first.close();
    const second = await startZoomSimulator({ stateFile: file });
    const read = await fetch(`${second.apiUrl}/meetings/85746065/registrants/${created.id}`, {
      headers: { authorization: `Bearer ${second.issueToken()}` },
    });
    expect(await read.json()).toMatchObject({ id: created.id, email: 'a@example.com' });
    await second.close();
  });

  it('ServiceM8 keeps jobs and the job-number sequence', async () => {
    const file = join(dir, 'servicem8.json');
    const first = await startServiceM8Simulator({ stateFile: file });
    const job = (await (await post(`${first.url}/_admin/records`, { job_description: 'Kept' })).json()) as {
      uuid: string;
    };
    await first.close();
    const second = await startServiceM8Simulator({ stateFile: file });
    const read = await fetch(`${second.apiUrl}/job/${job.uuid}.json`, {
      headers: { 'x-api-key': second.apiKey },
    });
    expect(await read.json()).toMatchObject({
      uuid: job.uuid,
      job_description: 'Kept',
      generated_job_id: '1',
    });
    const next = (await (await post(`${second.url}/_admin/records`, {})).json()) as {
      generated_job_id: string;
    };
    expect(next.generated_job_id).toBe('2');
    await second.close();
  });

  it('Jobber keeps clients and the rotated refresh token, so the holder of the newest one is not locked out', async () => {
    const file = join(dir, 'jobber.json');
    const first = await startJobberSimulator({ stateFile: file });
    await post(`${first.url}/_admin/records`, { firstName: 'Kept' });
    const refreshed = await fetch(first.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: first.app.clientId,
        client_secret: first.app.clientSecret,
        refresh_token: 'jobber-refresh-kongo-demo',
      }),
    });
    const { refresh_token } = (await refreshed.json()) as { refresh_token: string };
    await first.close();
    const second = await startJobberSimulator({ stateFile: file });
    expect(second.store.ordered().map((c) => c.firstName)).toEqual(['Kept']);
    const again = await fetch(second.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: second.app.clientId,
        client_secret: second.app.clientSecret,
        refresh_token,
      }),
    });
    expect(again.status).toBe(200);
    await second.close();
  });

  it('Webex Events keeps attendees; a corrupt file stops the start with an error naming it', async () => {
    const file = join(dir, 'webex.json');
    const first = await startWebexEventsSimulator({ stateFile: file });
    await post(`${first.url}/_admin/records`, { email: 'kept@example.com' });
    await first.close();
    const second = await startWebexEventsSimulator({ stateFile: file });
    expect([...second.attendees.values()].map((a) => a.email)).toEqual(['kept@example.com']);
    await second.close();
    writeFileSync(file, '{ not json');
    await expect(startWebexEventsSimulator({ stateFile: file })).rejects.toThrow(file);
  });
});
