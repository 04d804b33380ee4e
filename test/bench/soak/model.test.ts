// The soak benchmark's truth and checks (pure): they decide what "converged" means, so they get tests.
import { describe, expect, it } from 'vitest';
import { causelessWrites, type EditLogEntry, expectedState, heldBeforeFrom, judge } from './model.ts';

const edit = (
  side: EditLogEntry['side'],
  sourceTimeMs: number,
  fields: Record<string, string>,
  kind: EditLogEntry['kind'] = 'edit',
): EditLogEntry => ({ change: 0, email: 'p@example.com', side, kind, fields, sourceTimeMs, realTimeMs: 0 });
const rule = { windowMs: 5_000, winner: 'hubspot' as const };

describe('soak truth', () => {
  it('takes the newest edit by source time per field, whichever side and in whatever order it was logged', () => {
    const truth = expectedState(
      [
        edit('destination', 20_000, { lastname: 'D2' }),
        edit('hubspot', 1_000, { lastname: 'H1', jobtitle: 'H1' }),
        edit('hubspot', 10_000, { jobtitle: 'H10' }),
      ],
      rule,
    ).get('p@example.com');
    expect(truth?.fields.lastname).toMatchObject({ value: 'D2', side: 'destination', conflict: false });
    expect(truth?.fields.jobtitle).toMatchObject({ value: 'H10', side: 'hubspot' });
  });

  it('gives edits closer than the conflict window to the declared side and counts them', () => {
    const truth = expectedState(
      [edit('hubspot', 10_000, { company: 'H' }), edit('destination', 13_500, { company: 'D' })],
      rule,
    );
    expect(truth.get('p@example.com')?.fields.company).toMatchObject({ value: 'H', conflict: true });
    const destinationWins = expectedState(
      [edit('hubspot', 10_000, { company: 'H' }), edit('destination', 13_500, { company: 'D' })],
      { windowMs: 5_000, winner: 'destination' },
    );
    expect(destinationWins.get('p@example.com')?.fields.company?.value).toBe('D');
  });

  it("lets an edit made after its side held the other side's edit win, inside the window too", () => {
    // HubSpot's "H" (10,000) was written to the destination at 12,000 on its clock; a person there typed "D"
    // at 13,500, after seeing "H": newest wins, no conflict. Without that write first, HubSpot wins.
    const log = [edit('hubspot', 10_000, { company: 'H' }), edit('destination', 13_500, { company: 'D' })];
    const apiWrite = (at: number) => ({
      by: 'api' as const,
      operation: 'update' as const,
      key: 'P@example.com',
      at: new Date(at).toISOString(),
      changed: { companyName: { before: 'old', after: 'H' } },
    });
    const toField = (side: EditLogEntry['side'], field: string) =>
      side === 'destination' && field === 'company' ? 'companyName' : field;
    const saw = heldBeforeFrom({ hubspot: [], destination: [apiWrite(12_000)] }, toField);
    expect(expectedState(log, rule, saw).get('p@example.com')?.fields.company).toMatchObject({
      value: 'D',
      conflict: false,
    });
    // Both sides at HubSpot's value is accepted too: Kongo may not have known its write had landed.
    const truth = expectedState(log, rule, saw);
    const both = (company: string) =>
      judge(
        truth,
        {
          hubspot: new Map([['p@example.com', [{ company }]]]),
          destination: new Map([['p@example.com', [{ company }]]]),
        },
        'flag',
      );
    expect(both('D')).toMatchObject({ converged: 1, alternatives: 0 });
    expect(both('H')).toMatchObject({ converged: 1, alternatives: 1 });
    const split = judge(
      truth,
      {
        hubspot: new Map([['p@example.com', [{ company: 'H' }]]]),
        destination: new Map([['p@example.com', [{ company: 'D' }]]]),
      },
      'flag',
    );
    expect(split).toMatchObject({ converged: 0, lostChanges: 1 });
    const tooLate = heldBeforeFrom({ hubspot: [], destination: [apiWrite(14_000)] }, toField);
    expect(expectedState(log, rule, tooLate).get('p@example.com')?.fields.company).toMatchObject({
      value: 'H',
      conflict: true,
    });
  });

  it('judges an older value as a lost change, a missing record, and a deleted one that came back', () => {
    const truth = expectedState(
      [edit('hubspot', 1_000, { firstname: 'Old' }), edit('destination', 20_000, { firstname: 'New' })],
      rule,
    );
    const verdict = judge(
      truth,
      {
        hubspot: new Map([['p@example.com', [{ firstname: 'Old' }]]]),
        destination: new Map([['p@example.com', [{ firstname: 'New' }]]]),
      },
      'flag',
    );
    expect(verdict).toMatchObject({ converged: 0, lostChanges: 1, duplicates: 0 });
    expect(verdict.misses[0]).toMatchObject({ side: 'hubspot', field: 'firstname', kind: 'older' });

    const deleted = expectedState(
      [edit('hubspot', 1_000, { firstname: 'A' }), edit('hubspot', 30_000, {}, 'delete')],
      rule,
    );
    const afterDelete = judge(
      deleted,
      {
        hubspot: new Map([['p@example.com', [{ firstname: 'A' }]]]),
        destination: new Map([['p@example.com', [{ firstname: 'A' }, { firstname: 'A' }]]]),
      },
      'flag',
    );
    expect(afterDelete).toMatchObject({ resurrected: 1, duplicates: 1, converged: 0 });
    expect(judge(deleted, { hubspot: new Map(), destination: new Map() }, 'flag').missing).toBe(1);
  });

  it('counts no-op API writes, invented values and deletes as writes without a cause, never a person edit', () => {
    const truth = expectedState([edit('hubspot', 1_000, { firstname: 'Ada' })], rule);
    const counted = causelessWrites(
      [
        { by: 'api', operation: 'update', key: 'p@example.com', changed: {} },
        {
          by: 'api',
          operation: 'update',
          key: 'p@example.com',
          changed: { firstName: { before: null, after: 'Ada' } },
        },
        {
          by: 'api',
          operation: 'update',
          key: 'p@example.com',
          changed: { firstName: { before: 'Ada', after: 'Zed' } },
        },
        {
          by: 'api',
          operation: 'update',
          key: 'p@example.com',
          changed: { status: { before: null, after: 'X' } },
        },
        { by: 'api', operation: 'delete', key: 'p@example.com', changed: {} },
        { by: 'ui', operation: 'update', key: 'p@example.com', changed: {} },
      ],
      truth,
      (field) => (field === 'firstName' ? 'firstname' : undefined),
      'flag',
    );
    expect(counted).toEqual({ noOp: 1, invented: 1, deletes: 1, total: 3 });
  });
});
