import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileSecretSource } from './local-file.ts';
import { rotatingSecrets } from './rotation.ts';
import { SsmSecretSource } from './ssm.ts';
import { SecretsError } from './types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kongo-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalFileSecretSource', () => {
  it('reads values by parameter name and returns undefined for unknown names', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, JSON.stringify({ '/acme/hubspot-client-secret': 's3cret' }));
    const source = new LocalFileSecretSource({ path });
    expect(await source.get('/acme/hubspot-client-secret')).toBe('s3cret');
    expect(await source.get('/acme/other')).toBeUndefined();
  });

  it('treats a missing file as no secrets', async () => {
    expect(await new LocalFileSecretSource({ path: join(dir, 'absent.json') }).get('x')).toBeUndefined();
  });

  it('picks up an edited file without a restart (a local rotation)', async () => {
    const path = join(dir, 'b.json');
    await writeFile(path, JSON.stringify({ s: 'one' }));
    const source = new LocalFileSecretSource({ path, recheckMs: 0 });
    expect(await source.get('s')).toBe('one');
    await writeFile(path, JSON.stringify({ s: 'two', 's-previous': 'one' }));
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    expect(await rotatingSecrets(source, 's')).toEqual(['two', 'one']);
  });

  it('names the file, never a value, when it is broken', async () => {
    const path = join(dir, 'c.json');
    await writeFile(path, '{"s": 42}');
    const error = await new LocalFileSecretSource({ path }).get('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).message).toContain('c.json');
    await writeFile(path, '{nope');
    await expect(new LocalFileSecretSource({ path }).get('s')).rejects.toThrow(/not valid JSON/);
  });
});

describe('SsmSecretSource', () => {
  function fakeSsm(values: Record<string, string>) {
    const calls: string[] = [];
    const client = {
      async send(command: GetParameterCommand) {
        const name = command.input.Name ?? '';
        calls.push(`${name}:${String(command.input.WithDecryption)}`);
        const value = values[name];
        if (value === undefined) throw new ParameterNotFound({ message: 'not found', $metadata: {} });
        return { Parameter: { Value: value } };
      },
    };
    return { client, calls };
  }

  it('decrypts, caches values and absences for maxAge, then reads again', async () => {
    let now = 0;
    const { client, calls } = fakeSsm({ '/acme/secret': 'v1' });
    const source = new SsmSecretSource({ client, maxAgeMs: 1_000, now: () => now });
    expect(await rotatingSecrets(source, '/acme/secret')).toEqual(['v1']);
    expect(await rotatingSecrets(source, '/acme/secret')).toEqual(['v1']);
    expect(calls).toEqual(['/acme/secret:true', '/acme/secret-previous:true']);
    now = 1_001;
    await source.get('/acme/secret');
    expect(calls).toHaveLength(3);
  });

  it('shares one call between concurrent misses', async () => {
    const { client, calls } = fakeSsm({ a: 'x' });
    const source = new SsmSecretSource({ client });
    await Promise.all([source.get('a'), source.get('a'), source.get('a')]);
    expect(calls).toHaveLength(1);
  });

  it('wraps other failures in a SecretsError naming the parameter, and does not cache them', async () => {
    let fail = true;
    const client = {
      async send(_command: GetParameterCommand) {
        if (fail) throw new Error('AccessDenied');
        return { Parameter: { Value: 'ok' } };
      },
    };
    const source = new SsmSecretSource({ client });
    const error = await source.get('/acme/secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).parameter).toBe('/acme/secret');
    fail = false;
    expect(await source.get('/acme/secret')).toBe('ok');
  });
});
