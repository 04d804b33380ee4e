/**
 * A value the spec's enumMap has no entry for, and no `otherwise`, arriving at runtime: the field is
 * left unwritten (never a silent null), the rest of the record is written, and the miss is reported
 * on the record and carried to the heartbeat (errorsByKind + failures → the Notification Centre).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { type Harness, startHarness } from '../runtime/harness.ts';

let dynamo: LocalDynamo;
let h: Harness;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  h = await startHarness({
    dynamo,
    patchSpec: (spec) => {
      const flow = spec.flows.find((f) => f.direction === 'destination-to-hubspot');
      const mapping = flow?.mappings.find((m) => m.target === 'hs_lead_status');
      if (mapping && 'enumMap' in mapping.value) delete mapping.value.enumMap.map.CANCELLED;
    },
  });
}, 30_000);
afterAll(async () => {
  await h.close();
  await dynamo.close();
});

async function createAttendee(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${h.events.url}/_admin/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
}

describe('an enumMap miss at runtime', () => {
  it('leaves the field unwritten, writes the rest, reports and alerts', async () => {
    await createAttendee({
      email: 'cancelled@example.com',
      firstName: 'Cass',
      company: 'Acme',
      status: 'CANCELLED',
    });
    await createAttendee({ email: 'registered@example.com', firstName: 'Reg', status: 'REGISTERED' });
    const outcome = await h.settle();

    const [cancelled] = h.contactsWithEmail('cancelled@example.com');
    expect(cancelled?.properties.firstname).toBe('Cass');
    expect(cancelled?.properties.company).toBe('Acme');
    expect(cancelled?.properties.hs_lead_status ?? null).toBeNull();
    expect(h.contactsWithEmail('registered@example.com')[0]?.properties.hs_lead_status).toBe('OPEN');

    const reported = outcome.records.find((r) => r.source === 'destination' && r.fieldErrors.length > 0);
    expect(reported?.outcome).toBe('delivered');
    expect(reported?.fieldErrors.map((e) => [e.target, e.code])).toEqual([
      ['hs_lead_status', 'ENUM_UNMAPPED'],
    ]);

    const delta = h.runtime.logger.drain();
    expect(delta.errorsByKind['enum-unmapped']).toBe(1);
    const failure = delta.failures.find((f) => f.kind === 'enum-unmapped');
    expect(failure?.reason).toContain('hs_lead_status');
    expect(failure?.reason).not.toContain('cancelled@example.com');
  });
});
