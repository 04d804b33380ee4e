import { describe, expect, it } from 'vitest';
import { fieldHash } from '../echo/hash.ts';
import { committedBase, decide, type FieldWrite, observe, rememberWrites } from './rules.ts';
import { emptyFieldState, type FieldBase, type FieldState, MAX_ECHOES_PER_FIELD } from './state.ts';

const WINDOW = { now: 1_000_000, echoWindowMs: 86_400_000 };
const conflicts = { windowMs: 5_000, winner: 'hubspot' as const };
const none = new Set<string>();

/** Both sides hold lastName/lastname "Lovelace" from a HubSpot edit at t=100. */
function inSync(): FieldState {
  const state = emptyFieldState();
  state.base.hubspot.lastname = { h: fieldHash('Lovelace'), t: 100, s: 100, o: 'hubspot' };
  state.base.destination.lastName = { h: fieldHash('Lovelace'), t: 100, s: 150, o: 'hubspot' };
  return state;
}

function toHubSpot(state: FieldState, values: Record<string, unknown>, verdicts = {}) {
  return decide({
    state,
    source: 'destination',
    sourceValues: values,
    mapped: [{ target: 'lastname', inputs: ['lastName'], value: values.lastName }],
    verdicts,
    create: false,
    conflicts,
    ownedByTarget: none,
    ownedBySource: none,
  });
}

describe('observe', () => {
  it('takes a differing value at its source time as a change', () => {
    const r = observe(inSync(), 'destination', [{ field: 'lastName', value: 'Byron', at: 200 }], WINDOW);
    expect(r.verdicts).toEqual({ lastName: 'changed' });
    expect(r.state.base.destination.lastName).toEqual({
      h: fieldHash('Byron'),
      t: 200,
      s: 200,
      o: 'destination',
      p: 100, // made after the side held HubSpot's edit of t=100
    });
  });

  it("lets an edit made after its side got the other side's value win inside the conflict window", () => {
    // HubSpot's edit at t=100 landed on the destination at 150; a person edits it there at 102 on a
    // clock 3 s behind — within the window by the clocks, but after they saw HubSpot's value.
    const state = inSync();
    state.base.destination.lastName = { h: fieldHash('Lovelace'), t: 100, s: 98, o: 'hubspot' };
    const seen = observe(state, 'destination', [{ field: 'lastName', value: 'Byron', at: 99 }], WINDOW);
    expect(seen.verdicts).toEqual({ lastName: 'changed' });
    const d = toHubSpot(seen.state, { lastName: 'Byron' }, seen.verdicts);
    expect(d.conflicts).toEqual([]);
    expect(d.writes.lastname?.value).toBe('Byron');
    // An edit made before HubSpot's value reached the destination is still a conflict HubSpot wins.
    const unseen = inSync();
    unseen.base.destination.lastName = { h: fieldHash('Ada'), t: 50, s: 50, o: 'destination' };
    const early = observe(unseen, 'destination', [{ field: 'lastName', value: 'Byron', at: 102 }], WINDOW);
    const e = toHubSpot(early.state, { lastName: 'Byron' }, early.verdicts);
    expect(e.conflicts).toEqual(['lastname']);
    expect(e.writes).toEqual({});
  });

  it("calls a value older on its own side than that side's own newer edit stale", () => {
    const state = inSync();
    state.base.destination.lastName = { h: fieldHash('Ada'), t: 120, s: 120, o: 'destination' };
    const r = observe(state, 'destination', [{ field: 'lastName', value: 'Byron', at: 90 }], WINDOW);
    expect(r.verdicts).toEqual({ lastName: 'stale' });
    expect(r.state.base.destination.lastName?.h).toBe(fieldHash('Ada'));
  });

  it('absorbs each written value once, so a person typing it again later is a change', () => {
    let state = rememberWrites(
      inSync(),
      'destination',
      { lastName: { value: 'King', t: 300, o: 'hubspot' } },
      'k1',
      WINDOW.now,
      WINDOW.echoWindowMs,
    );
    const echo = observe(state, 'destination', [{ field: 'lastName', value: 'King', at: 310 }], WINDOW);
    expect(echo.verdicts).toEqual({ lastName: 'echo' });
    expect(echo.state.base.destination.lastName?.t).toBe(300); // the original edit's time
    state = observe(
      echo.state,
      'destination',
      [{ field: 'lastName', value: 'Byron', at: 400 }],
      WINDOW,
    ).state;
    const again = observe(state, 'destination', [{ field: 'lastName', value: 'King', at: 500 }], WINDOW);
    expect(again.verdicts).toEqual({ lastName: 'changed' });
  });

  it('matches a late echo against any value written in the window, not only the latest', () => {
    let state = inSync();
    for (const [value, key] of [
      ['V2', 'k2'],
      ['V3', 'k3'],
    ] as const)
      state = rememberWrites(
        state,
        'destination',
        { lastName: { value, t: 300, o: 'hubspot' } },
        key,
        1_000,
        86_400_000,
      );
    const late = observe(state, 'destination', [{ field: 'lastName', value: 'V2', at: 900 }], WINDOW);
    expect(late.verdicts).toEqual({ lastName: 'echo' });
  });

  it('puts back a person’s edit that Kongo’s older write landed on top of', () => {
    const state = inSync();
    // Kongo wrote "Byron" (an edit from t=200) and it landed at 260 on this side; the person's
    // edit "King" was made at 250, before the write landed, but it is newer than t=200.
    state.base.hubspot.lastname = { h: fieldHash('Byron'), t: 200, s: 260, o: 'destination' };
    const r = observe(
      state,
      'hubspot',
      [{ field: 'lastname', value: 'King', at: 250, provenance: 'person' }],
      WINDOW,
    );
    expect(r.verdicts).toEqual({ lastname: 'overwritten' });
    expect(r.restore).toEqual(['lastname']);
  });
});

describe("a person's edit that Kongo's write landed on top of (soak: concurrent edits, clocks 3 s apart)", () => {
  // The destination's edit "Byron" at 12,600 (its clock, 3 s ahead) was written to HubSpot, landing at
  // 13,000 on HubSpot's clock; a person had edited HubSpot's lastname to "King" at 9,900 — before the
  // write landed and without seeing it. 2.7 s apart by source time: inside the 5 s window.
  function landedOnTop(): FieldState {
    const state = inSync();
    state.base.destination.lastName = { h: fieldHash('Byron'), t: 12_600, s: 12_600, o: 'destination' };
    state.base.hubspot.lastname = { h: fieldHash('Byron'), t: 12_600, s: 13_000, o: 'destination' };
    return state;
  }
  const fromHubSpot = (
    state: FieldState,
    verdicts: Record<string, 'overwritten'>,
    winner: 'hubspot' | 'destination',
  ) =>
    decide({
      state,
      source: 'hubspot',
      sourceValues: { lastname: 'King' },
      mapped: [{ target: 'lastName', inputs: ['lastname'], value: 'King' }],
      verdicts,
      create: false,
      conflicts: { windowMs: 5_000, winner },
      ownedByTarget: none,
      ownedBySource: none,
    });

  it('gives it to the declared side inside the window, although it is older by source time', () => {
    const seen = observe(
      landedOnTop(),
      'hubspot',
      [{ field: 'lastname', value: 'King', at: 9_900, provenance: 'person' }],
      WINDOW,
    );
    expect(seen.verdicts).toEqual({ lastname: 'overwritten' });
    expect(seen.restore).toEqual(['lastname']);
    const won = fromHubSpot(seen.state, { lastname: 'overwritten' }, 'hubspot');
    expect(won.conflicts).toEqual(['lastName']);
    expect(won.writes).toEqual({ lastName: { value: 'King', t: 9_900, o: 'hubspot' } });
    const lost = fromHubSpot(seen.state, { lastname: 'overwritten' }, 'destination');
    expect(lost.writes).toEqual({});
    expect(lost.lost).toEqual(['lastName']);
  });

  it('lets the newer edit win beyond the window: an edit older than the one Kongo wrote is not written', () => {
    const seen = observe(
      landedOnTop(),
      'hubspot',
      [{ field: 'lastname', value: 'King', at: 6_000, provenance: 'person' }],
      WINDOW,
    );
    const d = fromHubSpot(seen.state, { lastname: 'overwritten' }, 'hubspot');
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual({});
    expect(d.older).toEqual(['lastName']);
  });

  it('never lets it beat an edit made on the other side after that side held it', () => {
    // "King" (HubSpot, 9,900) reached the destination at 10,100; a person there then typed "Byron" at
    // 12,600 having seen "King" (p = 9,900). A late look at "King" must not undo "Byron", whoever the
    // declared winner is.
    const state = landedOnTop();
    state.base.destination.lastName = {
      h: fieldHash('Byron'),
      t: 12_600,
      s: 12_600,
      o: 'destination',
      p: 9_900,
    };
    const seen = observe(
      state,
      'hubspot',
      [{ field: 'lastname', value: 'King', at: 9_900, provenance: 'person' }],
      WINDOW,
    );
    const d = fromHubSpot(seen.state, { lastname: 'overwritten' }, 'hubspot');
    expect(d.writes).toEqual({});
    expect(d.conflicts).toEqual([]);
    expect(d.older).toEqual(['lastName']);
  });
});

describe('a record read before our write landed', () => {
  it('shows the value our write replaced: stale, not an edit, even after the echo used the entry up', () => {
    // The destination held "Ada" (created at 100). Kongo wrote HubSpot's "King" (t=90) over it, landing
    // at 300; the person's edit of another field at 250 came with the whole record, "Ada" included.
    let state = emptyFieldState();
    state.base.destination.lastName = { h: fieldHash('Ada'), t: 100, s: 100, o: 'destination' };
    state = rememberWrites(
      state,
      'destination',
      { lastName: { value: 'King', t: 90, o: 'hubspot' } },
      'k1',
      1_000,
      86_400_000,
    );
    state.base.destination.lastName = committedBase({ lastName: { value: 'King', t: 90, o: 'hubspot' } }, 300)
      .lastName as FieldBase;
    const echo = observe(state, 'destination', [{ field: 'lastName', value: 'King', at: 300 }], WINDOW);
    expect(echo.verdicts).toEqual({ lastName: 'echo' });
    for (const s of [state, echo.state]) {
      const snapshot = observe(s, 'destination', [{ field: 'lastName', value: 'Ada', at: 250 }], WINDOW);
      expect(snapshot.verdicts).toEqual({ lastName: 'stale' });
      expect(snapshot.restore).toEqual([]);
      // A value the field never held before our write is a person's edit our write landed on.
      const edited = observe(s, 'destination', [{ field: 'lastName', value: 'Byron', at: 250 }], WINDOW);
      expect(edited.verdicts).toEqual({ lastName: 'overwritten' });
    }
    // The used-up entry absorbs no second echo: a person typing "King" again later is a change.
    const again = observe(
      echo.state,
      'destination',
      [{ field: 'lastName', value: 'Byron', at: 400 }],
      WINDOW,
    );
    const king = observe(again.state, 'destination', [{ field: 'lastName', value: 'King', at: 500 }], WINDOW);
    expect(king.verdicts).toEqual({ lastName: 'changed' });
  });

  it("takes a person's losing edit that a later read of the whole record shows again as stale, not newer", () => {
    // HubSpot's "King" (t=29,900) was decided while the destination still held "Ada" and landed there at
    // 51,800. The person's "Byron" (32,900, 3 s from King: a conflict HubSpot wins) was read under it; a
    // read for their next edit of another field (43,200) still shows "Byron", stamped with 43,200.
    let state = emptyFieldState();
    state.base.destination.lastName = { h: fieldHash('Ada'), t: 100, s: 100, o: 'destination' };
    state = rememberWrites(
      state,
      'destination',
      { lastName: { value: 'King', t: 29_900, o: 'hubspot' } },
      'k1',
      1_000,
      86_400_000,
    );
    state.base.destination.lastName = committedBase(
      { lastName: { value: 'King', t: 29_900, o: 'hubspot' } },
      51_800,
    ).lastName as FieldBase;
    const first = observe(state, 'destination', [{ field: 'lastName', value: 'Byron', at: 32_900 }], WINDOW);
    expect(first.verdicts).toEqual({ lastName: 'overwritten' });
    // decide() gives it to HubSpot (conflict); the worker keeps the base, as it does for a lost conflict.
    first.state.base.destination.lastName = state.base.destination.lastName;
    const later = observe(
      first.state,
      'destination',
      [{ field: 'lastName', value: 'Byron', at: 43_200 }],
      WINDOW,
    );
    expect(later.verdicts).toEqual({ lastName: 'stale' });
    // A value never seen under that write is still a person's edit made before it landed.
    const other = observe(
      first.state,
      'destination',
      [{ field: 'lastName', value: 'Lamb', at: 43_200 }],
      WINDOW,
    );
    expect(other.verdicts).toEqual({ lastName: 'overwritten' });
  });

  it('treats our restore of an older edit that landed on a newer edit of the same side as overwritten', () => {
    // HubSpot's create value "Ada" (t=26,300) won a conflict and Kongo put it back on HubSpot, landing at
    // 74,400; the person had edited the field to "Byron" at 36,000, before the restore landed.
    let state = emptyFieldState();
    state.base.hubspot.jobtitle = { h: fieldHash('Dest'), t: 29_000, s: 45_400, o: 'destination' };
    state.base.destination.jobTitle = { h: fieldHash('Ada'), t: 26_300, s: 77_500, o: 'hubspot' };
    state = rememberWrites(
      state,
      'hubspot',
      { jobtitle: { value: 'Ada', t: 26_300, o: 'hubspot' } },
      'restore',
      1_000,
      86_400_000,
    );
    state.base.hubspot.jobtitle = committedBase(
      { jobtitle: { value: 'Ada', t: 26_300, o: 'hubspot' } },
      74_400,
    ).jobtitle as FieldBase;
    const seen = observe(
      state,
      'hubspot',
      [{ field: 'jobtitle', value: 'Byron', at: 36_000, provenance: 'person' }],
      WINDOW,
    );
    expect(seen.verdicts).toEqual({ jobtitle: 'overwritten' });
    const d = decide({
      state: seen.state,
      source: 'hubspot',
      sourceValues: { jobtitle: 'Byron' },
      mapped: [{ target: 'jobTitle', inputs: ['jobtitle'], value: 'Byron' }],
      verdicts: seen.verdicts,
      create: false,
      conflicts,
      ownedByTarget: none,
      ownedBySource: none,
    });
    expect(d.writes).toEqual({ jobTitle: { value: 'Byron', t: 36_000, o: 'hubspot' } });
    // A person's A → B → A seen out of order is no such case: B (older than the A read later) is stale.
    const own = emptyFieldState();
    own.base.hubspot.jobtitle = { h: fieldHash('A'), t: 100, s: 200, o: 'hubspot' };
    expect(observe(own, 'hubspot', [{ field: 'jobtitle', value: 'B', at: 150 }], WINDOW).verdicts).toEqual({
      jobtitle: 'stale',
    });
  });

  it('drops used-up entries first when a field has more writes than the cap', () => {
    let state = emptyFieldState();
    for (let i = 0; i < MAX_ECHOES_PER_FIELD; i++) {
      state = rememberWrites(
        state,
        'hubspot',
        { jobtitle: { value: `v${i}`, t: i, o: 'destination' } },
        `k${i}`,
        1_000 + i,
        86_400_000,
      );
      if (i > 0)
        state = observe(
          state,
          'hubspot',
          [{ field: 'jobtitle', value: `v${i}`, at: 2_000 + i }],
          WINDOW,
        ).state;
    }
    state = rememberWrites(
      state,
      'hubspot',
      { jobtitle: { value: 'new', t: 99, o: 'destination' } },
      'kn',
      1_100,
      86_400_000,
    );
    const entries = state.echoes.hubspot.jobtitle ?? [];
    expect(entries).toHaveLength(MAX_ECHOES_PER_FIELD);
    // v0 was never echoed: it is still ours when its late echo comes.
    expect(
      observe(state, 'hubspot', [{ field: 'jobtitle', value: 'v0', at: 1_500 }], WINDOW).verdicts,
    ).toEqual({
      jobtitle: 'echo',
    });
  });
});

describe('decide', () => {
  it('writes a newer change and carries its source time', () => {
    const observed = observe(
      inSync(),
      'destination',
      [{ field: 'lastName', value: 'Byron', at: 200_000 }],
      WINDOW,
    );
    const d = toHubSpot(observed.state, { lastName: 'Byron' }, observed.verdicts);
    expect(d.writes).toEqual({ lastname: { value: 'Byron', t: 200_000, o: 'destination' } });
  });

  it('skips a field whose input moved on since the record was read (applied field by field)', () => {
    const state = inSync();
    state.base.destination.lastName = { h: fieldHash('King'), t: 300, s: 400, o: 'hubspot' };
    const d = toHubSpot(state, { lastName: 'Byron' });
    expect(d.writes).toEqual({});
    expect(d.older).toEqual(['lastname']);
  });

  it('gives edits inside the conflict window to the declared side and counts them', () => {
    const state = inSync();
    state.base.hubspot.lastname = { h: fieldHash('King'), t: 10_000, s: 10_000, o: 'hubspot' };
    const observed = observe(
      state,
      'destination',
      [{ field: 'lastName', value: 'Byron', at: 12_000 }],
      WINDOW,
    );
    const d = toHubSpot(observed.state, { lastName: 'Byron' }, observed.verdicts);
    expect(d.conflicts).toEqual(['lastname']);
    expect(d.lost).toEqual(['lastname']);
    expect(d.writes).toEqual({});
  });

  it('creates with every computable field, inputs this record never observed included (the natural key)', () => {
    // A HubSpot message held only firstname's propertyChange; email came with the read, unobserved.
    const state = emptyFieldState();
    state.base.hubspot.firstname = { h: fieldHash('Ada'), t: 100, s: 100, o: 'hubspot' };
    const d = decide({
      state,
      source: 'hubspot',
      sourceValues: { firstname: 'Ada', email: 'ada@example.com' },
      mapped: [
        { target: 'firstName', inputs: ['firstname'], value: 'Ada' },
        { target: 'email', inputs: ['email'], value: 'ada@example.com' },
      ],
      verdicts: { firstname: 'changed' },
      create: true,
      conflicts,
      ownedByTarget: none,
      ownedBySource: none,
    });
    expect(d.writes).toEqual({
      firstName: { value: 'Ada', t: 100, o: 'hubspot' },
      email: { value: 'ada@example.com', t: 0, o: 'hubspot' },
    });
  });

  it('never writes back a value that differs only through a lossy formula', () => {
    // HubSpot holds "+61 400" (a person's edit at 100); Kongo wrote "+61400" to the destination.
    const state = emptyFieldState();
    state.base.hubspot.phone = { h: fieldHash('+61 400'), t: 100, s: 100, o: 'hubspot' };
    state.base.destination.phone = { h: fieldHash('+61400'), t: 100, s: 150, o: 'hubspot' };
    const d = decide({
      state,
      source: 'destination',
      sourceValues: { phone: '+61400' },
      mapped: [{ target: 'phone', inputs: ['phone'], value: '+61400' }],
      verdicts: { phone: 'unchanged' },
      create: false,
      conflicts,
      ownedByTarget: none,
      ownedBySource: none,
    });
    expect(d.writes).toEqual({});
  });

  it('keeps field ownership as the explicit override', () => {
    const state = inSync();
    state.base.hubspot.lastname = { h: fieldHash('King'), t: 900_000, s: 900_000, o: 'hubspot' };
    const input = {
      state,
      source: 'destination' as const,
      sourceValues: { lastName: 'Lovelace' },
      mapped: [{ target: 'lastname', inputs: ['lastName'], value: 'Lovelace' }],
      verdicts: {},
      create: false,
      conflicts,
    };
    expect(
      decide({ ...input, ownedByTarget: none, ownedBySource: new Set(['lastname']) }).writes,
    ).toHaveProperty('lastname');
    expect(decide({ ...input, ownedByTarget: new Set(['lastname']), ownedBySource: none }).writes).toEqual(
      {},
    );
  });

  it('turns a landed write into the target base with the original edit time', () => {
    const writes: Record<string, FieldWrite> = { lastname: { value: 'Byron', t: 200, o: 'destination' } };
    expect(committedBase(writes, 260)).toEqual({
      lastname: { h: fieldHash('Byron'), t: 200, s: 260, o: 'destination' },
    });
  });
});
