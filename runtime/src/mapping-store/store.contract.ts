/**
 * The behaviour every MappingStore adapter must have. Run it from an adapter's test with a factory
 * that returns a fresh, empty store (see dynamo-store.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { emptyFieldState } from '../convergence/state.ts';
import type { Intent, MappingStore } from './types.ts';

/** The store's clock as it stamps entities (updatedAt of a fresh probe entity). */
async function now(store: MappingStore): Promise<number> {
  const probe = await store.ensureEntity({ kongoId: `clock-${Math.random()}`, integration: 'probe' });
  return probe.updatedAt;
}

export interface StoreFixture {
  store: MappingStore;
  /** Moves the store's clock forward, ms. */
  advance(ms: number): void;
}

const intent = (hash: string, key: string, at = 1): Intent => ({
  hash,
  fields: ['email'],
  at,
  status: 'pending',
  key,
  operation: 'update',
});

export function mappingStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`MappingStore contract: ${name}`, () => {
    it('resolves an external id to its entity in both directions once linked', async () => {
      const { store } = await open();
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.linkId('k1', 'hubspot', '101');
      await store.linkId('k1', 'destination', 'att_1');
      expect((await store.resolve('acme', 'hubspot', '101'))?.kongoId).toBe('k1');
      expect((await store.resolve('acme', 'destination', 'att_1'))?.ids).toEqual({
        hubspot: '101',
        destination: 'att_1',
      });
      expect(await store.resolve('acme', 'hubspot', '999')).toBeNull();
      expect(await store.resolve('other', 'hubspot', '101')).toBeNull();
    });

    it('resolves a whole batch of records at once, leaving out the unknown and a rolled-away id', async () => {
      const { store } = await open();
      for (let i = 0; i < 105; i++) {
        await store.ensureEntity({ kongoId: `k${i}`, integration: 'acme' });
        await store.linkId(`k${i}`, 'hubspot', `${100 + i}`);
      }
      await store.linkId('k7', 'destination', 'att_7');
      await store.replaceId('k3', 'hubspot', '9003', 'id-rolled');
      const refs = [
        ...Array.from({ length: 105 }, (_, i) => ({ system: 'hubspot' as const, id: `${100 + i}` })),
        { system: 'destination' as const, id: 'att_7' },
        { system: 'destination' as const, id: 'att_unknown' },
        { system: 'hubspot' as const, id: '9003' },
      ];
      const found = await store.resolveMany('acme', refs);
      expect(found.size).toBe(106);
      expect(found.get('hubspot:150')?.kongoId).toBe('k50');
      expect(found.get('destination:att_7')?.kongoId).toBe('k7');
      expect(found.has('hubspot:103')).toBe(false); // rolled to 9003
      expect(found.get('hubspot:9003')?.kongoId).toBe('k3');
      expect(found.has('destination:att_unknown')).toBe(false);
      // Warm (the DynamoDB adapter's id cache) and cold alike; another integration sees nothing.
      expect((await store.resolveMany('acme', refs)).size).toBe(106);
      expect((await store.resolveMany('other', refs)).size).toBe(0);
    });

    it('commits and releases its lease in one write, and leaves a lease another worker took', async () => {
      const { store, advance } = await open();
      const entity = await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      const first = await store.recordIntent('k1', entity.version, {
        side: 'hubspot',
        intent: intent('h1', 'key-1'),
        fieldState: emptyFieldState(),
        lease: { owner: 'm1', until: (await now(store)) + 1_000 },
      });
      expect(first.recorded).toBe(true);
      const committed = await store.commitIntent('k1', {
        side: 'hubspot',
        key: 'key-1',
        hash: 'h1',
        releaseLease: 'm1',
      });
      expect(committed?.intents.hubspot?.status).toBe('committed');
      expect(committed?.lease).toBeUndefined();
      // m2's lease expires while its call runs; m3 takes the record: m2's commit lands, m3's lease stays.
      const free = await store.getEntity('k1');
      await store.recordIntent('k1', free?.version ?? -1, {
        side: 'destination',
        intent: intent('h2', 'key-2'),
        lease: { owner: 'm2', until: (await now(store)) + 1_000 },
      });
      advance(5_000);
      const expired = await store.getEntity('k1');
      await store.recordIntent('k1', expired?.version ?? -1, {
        side: 'hubspot',
        intent: intent('h3', 'key-3'),
        lease: { owner: 'm3', until: (await now(store)) + 60_000 },
      });
      const late = await store.commitIntent('k1', {
        side: 'destination',
        key: 'key-2',
        hash: 'h2',
        releaseLease: 'm2',
      });
      expect(late?.intents.destination?.status).toBe('committed');
      expect((await store.getEntity('k1'))?.lease?.owner).toBe('m3');
    });

    it('gives a natural key to exactly one of 16 racing claimants', async () => {
      const { store } = await open();
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) => store.claimNaturalKey('acme', 'ada@example.com', `k${i}`)),
      );
      const winners = outcomes.filter((o) => o.claimed);
      expect(winners).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.kongoId))).toEqual(new Set([winners[0]?.kongoId]));
    });

    it('refuses to link a second, different id on the same side', async () => {
      const { store } = await open();
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      expect((await store.linkId('k1', 'destination', 'a')).linked).toBe(true);
      expect((await store.linkId('k1', 'destination', 'a')).linked).toBe(true);
      const second = await store.linkId('k1', 'destination', 'b');
      expect(second).toMatchObject({ linked: false, existingId: 'a' });
    });

    it('follows a rolled id, forgets the old one and records the drift', async () => {
      const { store } = await open();
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.linkId('k1', 'destination', 'old');
      const moved = await store.replaceId('k1', 'destination', 'new', 'id-rolled');
      expect(moved.ids.destination).toBe('new');
      expect(moved.drift).toMatchObject([
        { system: 'destination', from: 'old', to: 'new', reason: 'id-rolled' },
      ]);
      expect((await store.resolve('acme', 'destination', 'new'))?.kongoId).toBe('k1');
      expect(await store.resolve('acme', 'destination', 'old')).toBeNull();
    });

    it('records an intent only at the version it was decided on', async () => {
      const { store } = await open();
      const entity = await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      const first = await store.recordIntent('k1', entity.version, {
        side: 'destination',
        intent: intent('h1', 'key1'),
        applied: { source: 'hubspot', occurredAt: 500 },
      });
      expect(first.recorded).toBe(true);
      const stale = await store.recordIntent('k1', entity.version, {
        side: 'destination',
        intent: intent('h2', 'key2'),
      });
      expect(stale).toEqual({ recorded: false, reason: 'version-changed' });
      const stored = await store.getEntity('k1');
      expect(stored?.intents.destination?.hash).toBe('h1');
      expect(stored?.lastApplied.hubspot).toBe(500);
    });

    it('commits only its own intent and links the id a create answered with', async () => {
      const { store } = await open();
      const entity = await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.recordIntent('k1', entity.version, {
        side: 'destination',
        intent: { ...intent('h1', 'create-k1'), operation: 'create' },
      });
      expect(await store.commitIntent('k1', { side: 'destination', key: 'other', hash: 'h1' })).toBeNull();
      const committed = await store.commitIntent('k1', {
        side: 'destination',
        key: 'create-k1',
        hash: 'h1',
        remoteId: 'att_9',
        remoteUpdatedAt: 1234,
      });
      expect(committed?.intents.destination).toMatchObject({ status: 'committed', remoteUpdatedAt: 1234 });
      expect(committed?.written.destination).toBe('h1');
      expect((await store.resolve('acme', 'destination', 'att_9'))?.kongoId).toBe('k1');
    });

    it('follows an id an update answered with (rolled), records the drift, still only for its own intent', async () => {
      const { store } = await open();
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.linkId('k1', 'destination', 'old');
      const linked = await store.getEntity('k1');
      await store.recordIntent('k1', linked?.version ?? -1, {
        side: 'destination',
        intent: intent('h2', 'upd-1'),
      });
      const stale = { side: 'destination' as const, key: 'upd-0', hash: 'h2', remoteId: 'new' };
      expect(await store.commitIntent('k1', stale)).toBeNull();
      expect((await store.getEntity('k1'))?.ids.destination).toBe('old');
      const committed = await store.commitIntent('k1', {
        side: 'destination',
        key: 'upd-1',
        hash: 'h2',
        remoteId: 'new',
        remoteUpdatedAt: 99,
      });
      expect(committed?.ids.destination).toBe('new');
      expect(committed?.written.destination).toBe('h2');
      expect(committed?.intents.destination).toMatchObject({ status: 'committed', remoteUpdatedAt: 99 });
      expect(committed?.drift).toMatchObject([
        { system: 'destination', from: 'old', to: 'new', reason: 'id-rolled' },
      ]);
      expect((await store.resolve('acme', 'destination', 'new'))?.kongoId).toBe('k1');
      expect(await store.resolve('acme', 'destination', 'old')).toBeNull();
      // Committing the same answer again changes nothing more.
      const again = await store.commitIntent('k1', {
        side: 'destination',
        key: 'upd-1',
        hash: 'h2',
        remoteId: 'new',
      });
      expect(again?.drift).toHaveLength(1);
    });

    it('refuses a create answer beside an id the entity already carries', async () => {
      const { store } = await open();
      const entity = await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.recordIntent('k1', entity.version, {
        side: 'destination',
        intent: { ...intent('h1', 'create-k1'), operation: 'create' },
      });
      await store.linkId('k1', 'destination', 'linked-meanwhile');
      const outcome = await store.commitIntent('k1', {
        side: 'destination',
        key: 'create-k1',
        hash: 'h1',
        remoteId: 'att_2',
      });
      expect(outcome).toBeNull();
      expect((await store.getEntity('k1'))?.ids.destination).toBe('linked-meanwhile');
      expect(await store.resolve('acme', 'destination', 'att_2')).toBeNull();
    });

    it('lets one of two racing commits of rolled ids win', async () => {
      const { store } = await open();
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      await store.linkId('k1', 'destination', 'old');
      const linked = await store.getEntity('k1');
      await store.recordIntent('k1', linked?.version ?? -1, {
        side: 'destination',
        intent: intent('h', 'upd'),
      });
      const [a, b] = await Promise.all([
        store.commitIntent('k1', { side: 'destination', key: 'upd', hash: 'h', remoteId: 'r1' }),
        store.commitIntent('k1', { side: 'destination', key: 'upd', hash: 'h', remoteId: 'r2' }),
      ]);
      const final = await store.getEntity('k1');
      expect([a?.ids.destination, b?.ids.destination]).toContain(final?.ids.destination);
      // Every move is recorded, and exactly one MAP# item for the side points at the entity.
      expect(final?.drift.at(-1)?.to).toBe(final?.ids.destination);
      const mapped = await Promise.all(
        ['old', 'r1', 'r2'].map(async (id) => (await store.resolve('acme', 'destination', id))?.kongoId),
      );
      expect(mapped.filter((k) => k === 'k1')).toHaveLength(1);
    });

    it('claims an event once, again for the same message after a crash, and again once expired', async () => {
      const { store, advance } = await open();
      expect(await store.claimEvent('acme', 'e1', 'm1', 10_000_000_000_000)).toBe('new');
      expect(await store.claimEvent('acme', 'e1', 'm2', 10_000_000_000_000)).toBe('duplicate');
      expect(await store.claimEvent('acme', 'e1', 'm1', 10_000_000_000_000)).toBe('new');
      expect(await store.claimEvent('acme', 'e2', 'm1', 1_000)).toBe('new');
      advance(10_000_000_000_000);
      expect(await store.claimEvent('acme', 'e2', 'm9', 20_000_000_000_000)).toBe('new');
    });

    it('moves a cursor only from the version it read', async () => {
      const { store } = await open();
      expect(await store.getCursor('acme', 'destination')).toBeNull();
      expect(await store.putCursor('acme', 'destination', 'c1', null)).toBe(true);
      expect(await store.putCursor('acme', 'destination', 'c2', null)).toBe(false);
      const read = await store.getCursor('acme', 'destination');
      expect(read?.value).toBe('c1');
      expect(await store.putCursor('acme', 'destination', 'c2', read?.version ?? -1)).toBe(true);
      expect(await store.putCursor('acme', 'destination', 'c3', read?.version ?? -1)).toBe(false);
    });

    it('purges an entity with its id mappings and natural key', async () => {
      const { store } = await open();
      await store.claimNaturalKey('acme', 'ada@example.com', 'k1');
      await store.ensureEntity({ kongoId: 'k1', integration: 'acme', naturalKey: 'ada@example.com' });
      await store.linkId('k1', 'hubspot', '101');
      await store.purge('k1');
      expect(await store.getEntity('k1')).toBeNull();
      expect(await store.resolve('acme', 'hubspot', '101')).toBeNull();
      expect(await store.lookupNaturalKey('acme', 'ada@example.com')).toBeNull();
    });

    it('remembers a forgotten key without storing it', async () => {
      const { store } = await open();
      await store.forget('acme', ['ada@example.com']);
      expect(await store.isForgotten('acme', 'ada@example.com')).toBe(true);
      expect(await store.isForgotten('acme', 'bob@example.com')).toBe(false);
    });

    it('takes a lease with the intent, refuses a second owner until released or expired', async () => {
      const { store, advance } = await open();
      const entity = await store.ensureEntity({ kongoId: 'k1', integration: 'acme' });
      const state = emptyFieldState();
      state.base.destination.lastName = { h: 'hA', t: 10, s: 10, o: 'destination' };
      const first = await store.recordIntent('k1', entity.version, {
        side: 'hubspot',
        intent: intent('h1', 'key-1'),
        fieldState: state,
        lease: { owner: 'm1', until: (await now(store)) + 60_000 },
      });
      expect(first.recorded).toBe(true);
      const held = first.recorded ? first.entity : entity;
      expect(held.lease?.owner).toBe('m1');
      expect(held.fieldState?.base.destination.lastName).toEqual({ h: 'hA', t: 10, s: 10, o: 'destination' });
      // Another owner can neither record an intent nor save state while the lease is live.
      const other = await store.recordIntent('k1', held.version, {
        side: 'hubspot',
        intent: intent('h2', 'key-2'),
        lease: { owner: 'm2', until: Number.MAX_SAFE_INTEGER },
      });
      expect(other.recorded).toBe(false);
      expect(await store.saveFieldState('k1', held.version, emptyFieldState(), 'm2')).toBe(false);
      // The commit moves each written field's base; release frees the record for the next owner.
      const committed = await store.commitIntent('k1', {
        side: 'hubspot',
        key: 'key-1',
        hash: 'h1',
        base: { lastname: { h: 'hA', t: 10, s: 20, o: 'destination' } },
      });
      expect(committed?.fieldState?.base.hubspot.lastname).toEqual({
        h: 'hA',
        t: 10,
        s: 20,
        o: 'destination',
      });
      await store.releaseLease('k1', 'm2'); // not the owner: no-op
      expect((await store.getEntity('k1'))?.lease?.owner).toBe('m1');
      await store.releaseLease('k1', 'm1');
      const free = await store.getEntity('k1');
      expect(free?.lease).toBeUndefined();
      expect(await store.saveFieldState('k1', free?.version ?? -1, state, 'm2')).toBe(true);
      // An expired lease is no obstacle (its holder crashed).
      const again = await store.getEntity('k1');
      const taken = await store.recordIntent('k1', again?.version ?? -1, {
        side: 'hubspot',
        intent: intent('h3', 'key-3'),
        lease: { owner: 'm3', until: (await now(store)) + 1_000 },
      });
      expect(taken.recorded).toBe(true);
      advance(5_000);
      const later = await store.getEntity('k1');
      expect(await store.saveFieldState('k1', later?.version ?? -1, state, 'm4')).toBe(true);
      expect((await store.getMany(['k1', 'absent'])).map((e) => e.kongoId)).toEqual(['k1']);
    });
  });
}
