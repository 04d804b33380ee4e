import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynaliteProcess } from './dynalite-child.ts';

const dir = mkdtempSync(join(tmpdir(), 'kongo-dynalite-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dynalite in its own process', () => {
  it('serves the Kongo table and keeps its items across a restart on the same path', async () => {
    const path = join(dir, 'data');
    const first = await startDynaliteProcess({ path });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await first.client.send(
      new PutItemCommand({
        TableName: first.tableName,
        Item: { pk: { S: 'SYNC#k1' }, sk: { S: '_' }, v: { N: '7' } },
      }),
    );
    await first.close();

    const second = await startDynaliteProcess({ path });
    const got = await second.client.send(
      new GetItemCommand({ TableName: second.tableName, Key: { pk: { S: 'SYNC#k1' }, sk: { S: '_' } } }),
    );
    expect(got.Item?.v?.N).toBe('7');
    await second.close();
  }, 30_000);
});
