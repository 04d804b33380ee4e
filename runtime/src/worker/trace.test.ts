import { describe, expect, it } from 'vitest';
import { traceOutcomeOf } from './trace.ts';

describe('traceOutcomeOf', () => {
  it('reports a change the rule found older than every field it carried as superseded, never landed', () => {
    expect(traceOutcomeOf('stale')).toEqual({ outcome: 'superseded', note: 'older-than-applied' });
    expect(traceOutcomeOf('delivered')).toEqual({ outcome: 'landed' });
    expect(traceOutcomeOf('skipped-unchanged')).toMatchObject({ outcome: 'skipped-unchanged' });
  });
});
