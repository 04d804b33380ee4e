import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLocalSecrets } from './local-secrets.ts';
import { acquireLock } from './lock.ts';
import { DEFAULT_PORTS, readPorts } from './ports.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kongo-start-'));

describe('npm start parts', () => {
  it('reads ports from the environment and names a bad variable', () => {
    expect(readPorts({})).toEqual(DEFAULT_PORTS);
    expect(readPorts({ KONGO_STUDIO_PORT: '5000' }).studio).toBe(5000);
    expect(() => readPorts({ KONGO_NC_PORT: 'abc' })).toThrow('KONGO_NC_PORT=abc is not a port number');
  });

  it('refuses a second start while the first holds the lock, and takes over a stale lock', () => {
    const file = join(dir(), 'sandbox.lock');
    const first = acquireLock(file);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    first.update({ Studio: 'http://127.0.0.1:4300/' });
    // Simulate another live process holding it: our parent's pid is alive and not ours.
    writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: 'x', urls: { Studio: 'u' } }));
    const second = acquireLock(file);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.holder.urls.Studio).toBe('u');
    // A lock left by a dead process is taken over.
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 17, startedAt: 'x', urls: {} }));
    const third = acquireLock(file);
    expect(third.ok).toBe(true);
    if (third.ok) third.release();
  });

  it('creates missing secrets once, with mode 600, and never overwrites existing ones', () => {
    const file = join(dir(), 'secrets.json');
    const first = ensureLocalSecrets(file, [
      { name: '/velflex/hubspot-client-secret', kind: 'hubspot-client-secret' },
      { name: '/velflex/destination-client-secret', kind: 'standard-webhooks' },
    ]);
    expect(first['/velflex/hubspot-client-secret']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(first['/velflex/destination-client-secret']).toMatch(/^whsec_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = ensureLocalSecrets(file, [
      { name: '/velflex/hubspot-client-secret', kind: 'hubspot-client-secret' },
      { name: '/porter-group/destination-client-secret', kind: 'hex' },
    ]);
    expect(again['/velflex/hubspot-client-secret']).toBe(first['/velflex/hubspot-client-secret']);
    expect(JSON.parse(readFileSync(file, 'utf8'))['/porter-group/destination-client-secret']).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it('names the file when the secrets file is not JSON', () => {
    const file = join(dir(), 'secrets.json');
    writeFileSync(file, '{ nope');
    expect(() => ensureLocalSecrets(file, [])).toThrow(`${file} is not valid JSON`);
  });
});
