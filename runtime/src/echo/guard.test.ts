import { describe, expect, it } from 'vitest';
import type { SyncEntity } from '../mapping-store/types.ts';
import { checkEcho, isEchoFromEvents, isOurSource, unchangedSinceLastWrite } from './guard.ts';
import { fieldHash, fieldHashes, valuesHash } from './hash.ts';

const written = { email: 'ada@example.com', firstName: 'Ada', ticketType: 'VIP' };
const fields = Object.keys(written).sort();

function entity(overrides: Partial<SyncEntity['intents']['destination']> = {}): SyncEntity {
  return {
    kongoId: 'k1',
    integration: 'acme',
    version: 3,
    createdAt: 0,
    updatedAt: 0,
    ids: { hubspot: '1', destination: 'a' },
    lastApplied: {},
    intents: {
      destination: {
        hash: valuesHash(written, fields),
        fields,
        at: 1_000,
        status: 'pending',
        key: 'kongo-k1-destination-v2',
        operation: 'update',
        ...overrides,
      },
    },
    written: { destination: 'h-last' },
    drift: [],
    status: 'active',
  };
}

const base = { source: 'destination' as const, now: 2_000, windowMs: 60_000 };

describe('checkEcho', () => {
  it('drops an event whose values hash to our pending intent (the echo outran the API answer)', () => {
    const record = { ...written, id: 'a', lastName: 'Lovelace', updatedAt: '2026-01-01T00:00:00Z' };
    expect(checkEcho({ ...base, entity: entity(), record })).toEqual({ echo: true, signal: 'intent-hash' });
  });

  it('treats values that differ from the intent as a real change', () => {
    const record = { ...written, firstName: 'Augusta' };
    expect(checkEcho({ ...base, entity: entity(), record })).toMatchObject({
      echo: false,
      reason: 'values-differ',
    });
  });

  it('compares values as strings so 42 and "42" agree', () => {
    const numeric = { age: 42 };
    const e = entity({ hash: valuesHash(numeric, ['age']), fields: ['age'] });
    expect(checkEcho({ ...base, entity: e, record: { age: '42' } }).echo).toBe(true);
  });

  it('never calls a change to a property we did not write our echo', () => {
    const verdict = checkEcho({
      ...base,
      entity: entity(),
      record: written,
      changedProperties: ['lifecyclestage'],
    });
    expect(verdict).toMatchObject({ echo: false, reason: 'other-field' });
  });

  it('sees a change made after our committed write as a later change', () => {
    const e = entity({ status: 'committed', remoteUpdatedAt: 5_000 });
    expect(checkEcho({ ...base, entity: e, record: written, recordUpdatedAt: 6_000 })).toMatchObject({
      echo: false,
      reason: 'later-change',
    });
    expect(checkEcho({ ...base, entity: e, record: written, recordUpdatedAt: 5_000 }).echo).toBe(true);
  });

  it('lets an intent expire after the window', () => {
    expect(checkEcho({ ...base, now: 100_000, entity: entity(), record: written })).toMatchObject({
      echo: false,
      reason: 'intent-expired',
    });
  });

  it('does not trust changeSource INTEGRATION alone', () => {
    const hint = { changeSource: 'INTEGRATION', sourceId: '77', appId: 77 };
    expect(isOurSource(hint)).toBe(true);
    expect(checkEcho({ ...base, entity: null, record: written, ...hint })).toMatchObject({
      echo: false,
      reason: 'no-intent',
    });
    expect(checkEcho({ ...base, entity: entity(), record: written, ...hint })).toEqual({
      echo: true,
      signal: 'intent-hash+source',
    });
  });
});

describe('unchangedSinceLastWrite', () => {
  it('skips a write whose hash equals the last committed one', () => {
    expect(unchangedSinceLastWrite(entity(), 'destination', 'h-last')).toBe(true);
    expect(unchangedSinceLastWrite(entity(), 'destination', 'h-new')).toBe(false);
    expect(unchangedSinceLastWrite(null, 'destination', 'h-last')).toBe(false);
  });
});

describe('isEchoFromEvents (HubSpot, before hydration)', () => {
  const ours = { firstname: 'Ada', jobtitle: '', kongo_sync_id: 'k1' };
  const hsFields = Object.keys(ours).sort();
  function hubspotEntity(overrides: Partial<NonNullable<SyncEntity['intents']['hubspot']>> = {}): SyncEntity {
    return {
      ...entity(),
      intents: {
        hubspot: {
          hash: valuesHash(ours, hsFields),
          fields: hsFields,
          fieldHashes: fieldHashes(ours, hsFields),
          at: 1_000,
          status: 'pending',
          key: 'kongo-k1-create-hubspot',
          operation: 'create',
          ...overrides,
        },
      },
    };
  }
  const us = { changeSource: 'INTEGRATION', sourceId: '4242' };
  const change = (property: string, value: string, extra: object = {}) => ({
    type: 'contact.propertyChange',
    occurredAt: 1_500,
    changedProperty: property,
    changedValue: value,
    ...us,
    ...extra,
  });
  const input = { appId: 4242, now: 2_000, windowMs: 60_000 };

  it('hashes values as written: "" and null alike (cleared), numbers as their text', () => {
    expect(fieldHash('')).toBe(fieldHash(null));
    expect(fieldHash(4)).toBe(fieldHash('4'));
    expect(fieldHash('Ada')).not.toBe(fieldHash('ada'));
  });

  it('proves our create (creation + propertyChanges, a cleared one too) from the events alone', () => {
    const events = [
      { type: 'contact.creation', occurredAt: 1_500, ...us },
      change('firstname', 'Ada'),
      change('jobtitle', ''),
    ];
    expect(isEchoFromEvents({ ...input, entity: hubspotEntity(), events })).toBe(true);
  });

  it('does not prove a value that differs, another source, another app, another field or an old intent', () => {
    const check = (events: Parameters<typeof isEchoFromEvents>[0]['events'], e = hubspotEntity()) =>
      isEchoFromEvents({ ...input, entity: e, events });
    expect(check([change('firstname', 'Ada Augusta')])).toBe(false);
    expect(check([change('firstname', 'Ada', { changeSource: 'CRM_UI', sourceId: 'userId:1' })])).toBe(false);
    expect(check([change('firstname', 'Ada', { sourceId: '999' })])).toBe(false);
    expect(check([change('firstname', 'Ada', { changeSource: undefined })])).toBe(false);
    expect(check([change('lastname', 'Lovelace')])).toBe(false);
    expect(check([change('firstname', 'Ada'), change('firstname', 'Other')])).toBe(false);
    expect(
      check([{ type: 'contact.creation', occurredAt: 1_500, ...us }], hubspotEntity({ operation: 'update' })),
    ).toBe(false);
    const legacy = hubspotEntity();
    if (legacy.intents.hubspot) delete legacy.intents.hubspot.fieldHashes; // recorded before fieldHashes
    expect(check([change('firstname', 'Ada')], legacy)).toBe(false);
    expect(
      check([change('firstname', 'Ada')], hubspotEntity({ status: 'committed', remoteUpdatedAt: 1_400 })),
    ).toBe(false);
    expect(
      isEchoFromEvents({
        ...input,
        now: 100_000,
        entity: hubspotEntity(),
        events: [change('firstname', 'Ada')],
      }),
    ).toBe(false);
    expect(check([])).toBe(false);
    expect(isEchoFromEvents({ ...input, entity: null, events: [change('firstname', 'Ada')] })).toBe(false);
  });
});
