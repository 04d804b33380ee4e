/**
 * Closes the LevelDB iterators dynalite abandons, so its memory stays bounded over a long run.
 *
 * dynalite 4 turns each Query/Scan into a stream over an abstract-level iterator and, when a page is
 * full (`Limit` reached, or 1 MB), destroys the stream by calling `iterator.return()` — a method
 * abstract-level 3 iterators do not have (they have `close()`). The iterator then stays open and
 * attached to the database: each one pins a LevelDB snapshot (memtables and table files that can no
 * longer be freed) and its read buffers. The work queue pages its table with `Limit: 100`, so under a
 * backlog every poll leaked one: dynalite grew from about 150 MB to 2 GB over ~3,000 changes
 * (issue #11; docs/OPERATIONS.md has the measurement). Giving the iterators the `return()` dynalite
 * expects closes them at the point it meant to.
 */
import { createRequire } from 'node:module';

interface IteratorPrototype {
  close(): Promise<void>;
  return?: () => Promise<{ done: true; value: undefined }>;
}

let installed = false;

/** Adds `return()` (= `close()`) to the iterators of the abstract-level that dynalite's `level` loads. Idempotent. */
export function closeAbandonedDynaliteIterators(): void {
  if (installed) return;
  // Resolve from dynalite's own location, so it is the very module instance its `level` uses.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const abstractLevel = fromLevel(fromLevel.resolve('abstract-level')) as {
    AbstractIterator: { prototype: object };
    AbstractKeyIterator: { prototype: object };
    AbstractValueIterator: { prototype: object };
  };
  for (const cls of [
    abstractLevel.AbstractIterator,
    abstractLevel.AbstractKeyIterator,
    abstractLevel.AbstractValueIterator,
  ]) {
    // The three share one base (CommonIterator) that holds close(); patch that base once.
    const base = Object.getPrototypeOf(cls.prototype) as IteratorPrototype;
    if (typeof base.close !== 'function') {
      throw new Error('abstract-level changed: its iterators have no close(); review dynalite-iterators.ts');
    }
    if (base.return) continue;
    base.return = function (this: IteratorPrototype) {
      return this.close().then(() => ({ done: true as const, value: undefined }));
    };
  }
  installed = true;
}
