import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { closeAbandonedDynaliteIterators } from './dynalite-iterators.ts';

// The memory-level that dynalite itself loads (in memory mode), so the iterators are the ones it makes.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { MemoryLevel } = fromDynalite('memory-level') as {
  MemoryLevel: new (
    options?: object,
  ) => {
    put(key: string, value: string): Promise<void>;
    values(): { next(): Promise<string | undefined>; return?: () => Promise<unknown> };
    close(): Promise<void>;
  };
};

describe('dynalite iterators', () => {
  it('closes an iterator dynalite abandons mid-page through the return() it calls', async () => {
    closeAbandonedDynaliteIterators();
    const db = new MemoryLevel();
    for (const key of ['a', 'b', 'c']) await db.put(key, key.toUpperCase());
    const iterator = db.values();
    expect(await iterator.next()).toBe('A');
    // dynalite's stream destroy(): `if (iterator.return) iterator.return()`, else the iterator stays open.
    expect(typeof iterator.return).toBe('function');
    await iterator.return?.();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' });
    await db.close();
  });
});
