import { describe, expect, it } from 'vitest';
import type { QueueEnvelope } from '../queue/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { planRecords } from './plan.ts';
import { splitEnvelope, TIMESTAMPED_DEDUPE_MS, UNTIMESTAMPED_DEDUPE_MS } from './split.ts';

const spec = {
  destination: {
    api: 'graphql',
    objectType: 'Attendee',
    naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
    idField: 'id',
    webhooks: { scheme: 'standard-webhooks', secretParameter: '/x' },
  },
} as unknown as IntegrationSpec;

const envelope = (
  kind: QueueEnvelope['kind'],
  body: unknown,
  headers: Record<string, string> = {},
): QueueEnvelope => ({
  v: 1,
  kind,
  integration: 'acme',
  traceId: 't1',
  receivedAt: 1_000,
  headers,
  body: JSON.stringify(body),
});

const hubspotEvent = (over: Record<string, unknown>) => ({
  eventId: 1,
  subscriptionId: 10,
  portalId: 5,
  appId: 77,
  occurredAt: 100,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 123,
  propertyName: 'firstname',
  propertyValue: 'Ada',
  changeSource: 'CRM_UI',
  ...over,
});

describe('splitEnvelope', () => {
  it('gives HubSpot events a composite key because eventId alone repeats', () => {
    const { events } = splitEnvelope(
      envelope('hubspot-webhook', [hubspotEvent({}), hubspotEvent({ propertyName: 'lastname' })]),
      spec,
    );
    expect(events.map((e) => e.key)).toEqual(['hs:10:123:100:firstname:1', 'hs:10:123:100:lastname:1']);
    expect(events[0]).toMatchObject({
      source: 'hubspot',
      action: 'upsert',
      objectId: '123',
      changedProperty: 'firstname',
    });
    expect(events[0]?.dedupeTtlMs).toBe(TIMESTAMPED_DEDUPE_MS);
  });

  it('maps HubSpot lifecycle events and reads merges', () => {
    const { events } = splitEnvelope(
      envelope('hubspot-webhook', [
        hubspotEvent({ subscriptionType: 'contact.deletion', propertyName: undefined }),
        hubspotEvent({
          subscriptionType: 'contact.merge',
          primaryObjectId: 9,
          mergedObjectIds: [123],
          eventId: 2,
        }),
        hubspotEvent({ subscriptionType: 'contact.associationChange', eventId: 3 }),
        hubspotEvent({ subscriptionType: 'contact.privacyDeletion', eventId: 4 }),
      ]),
      spec,
    );
    expect(events.map((e) => e.action)).toEqual(['delete', 'merge', 'ignored', 'privacy-deletion']);
    expect(events[1]?.merge).toEqual({ primaryObjectId: '9', mergedObjectIds: ['123'] });
  });

  it('keys destination events by webhook-id and keeps untimestamped schemes long', () => {
    const body = {
      type: 'attendee.updated',
      occurredAt: '2026-01-01T00:00:00Z',
      data: { id: 'a1', email: 'x@y.z' },
    };
    const signed = splitEnvelope(envelope('destination-webhook', body, { 'webhook-id': 'msg_1' }), spec);
    expect(signed.events[0]).toMatchObject({
      key: 'dst:msg_1',
      objectId: 'a1',
      action: 'upsert',
      occurredAt: Date.parse('2026-01-01T00:00:00Z'),
    });
    const hexSpec = {
      destination: { ...spec.destination, webhooks: { scheme: 'hmac-sha256-hex', header: 'x-sig' } },
    } as unknown as IntegrationSpec;
    const unsigned = splitEnvelope(envelope('destination-webhook', { ...body, id: 'evt_9' }), hexSpec);
    expect(unsigned.events[0]?.dedupeTtlMs).toBe(UNTIMESTAMPED_DEDUPE_MS);
  });

  it('reports malformed entries without losing their readable siblings', () => {
    const result = splitEnvelope(envelope('hubspot-webhook', [hubspotEvent({}), { nope: true }]), spec);
    expect(result.events).toHaveLength(1);
    expect(result.malformed).toEqual([
      { index: 1, reason: 'event lacks subscriptionType, objectId or occurredAt' },
    ]);
    expect(splitEnvelope({ ...envelope('hubspot-webhook', []), body: '{' }, spec).malformed[0]?.reason).toBe(
      'body is not JSON',
    );
  });

  it('reads poll pages and replays of any kind', () => {
    const poll = splitEnvelope(
      envelope('poll', {
        source: 'destination',
        polledAt: 1,
        records: [{ id: 'a', updatedAt: '2026-01-02T00:00:00Z' }],
      }),
      spec,
    );
    expect(poll.events[0]).toMatchObject({
      key: `poll:destination:a:${Date.parse('2026-01-02T00:00:00Z')}`,
      record: { id: 'a' },
    });
    const replay = splitEnvelope(
      envelope('replay', [hubspotEvent({})], { 'x-kongo-replay-of': 'hubspot-webhook' }),
      spec,
    );
    expect(replay.events).toHaveLength(1);
  });
});

describe('planRecords', () => {
  it('collapses a record’s changes to the newest and orders records by occurredAt', () => {
    const { events } = splitEnvelope(
      envelope('hubspot-webhook', [
        hubspotEvent({ objectId: 2, occurredAt: 300, eventId: 1 }),
        hubspotEvent({ objectId: 1, occurredAt: 200, propertyName: 'lastname', eventId: 2 }),
        hubspotEvent({ objectId: 1, occurredAt: 100, eventId: 3 }),
      ]),
      spec,
    );
    const work = planRecords(events);
    expect(work.map((w) => [w.objectId, w.latest.occurredAt, w.events.length])).toEqual([
      ['1', 200, 2],
      ['2', 300, 1],
    ]);
    expect(work[0]?.changedProperties.sort()).toEqual(['firstname', 'lastname']);
  });
});
