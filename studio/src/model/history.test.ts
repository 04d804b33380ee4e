import { describe, expect, it } from 'vitest';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import { applyToHistory, canRedo, canUndo, createHistory, redo, undo } from './history.ts';
import { createWorkspace, mappingsOf } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;

describe('undo and redo', () => {
  const start = [
    { type: 'load-schema' as const, schema: hubspotSchema() },
    { type: 'load-schema' as const, schema: eventsSchema() },
  ].reduce(applyToHistory, createHistory(createWorkspace()));

  it('undoes and redoes edits in order; navigation is not an undo step', () => {
    let h = applyToHistory(start, {
      type: 'connect',
      direction: H2D,
      from: { kind: 'source-field', name: 'email' },
      to: { kind: 'target-field', name: 'email' },
    });
    h = applyToHistory(h, { type: 'set-direction', direction: 'destination-to-hubspot' });
    h = applyToHistory(h, { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' });
    expect(h.past.length).toBe(start.past.length + 2);
    h = undo(h);
    expect(mappingsOf(h.present.spec, H2D)).toEqual([{ target: 'email', value: { field: 'email' } }]);
    expect(h.present.direction).toBe('destination-to-hubspot');
    h = undo(h);
    expect(mappingsOf(h.present.spec, H2D)).toEqual([]);
    expect(canRedo(h)).toBe(true);
    h = redo(redo(h));
    expect(mappingsOf(h.present.spec, H2D)).toEqual([
      { target: 'email', value: { lowercase: [{ field: 'email' }] } },
    ]);
    expect(canRedo(h)).toBe(false);
  });

  it('a new edit after undo drops the redo stack', () => {
    let h = applyToHistory(start, { type: 'add-formula', direction: H2D, kind: 'null' });
    h = undo(h);
    h = applyToHistory(h, { type: 'add-formula', direction: H2D, kind: 'concat' });
    expect(canRedo(h)).toBe(false);
    expect(canUndo(h)).toBe(true);
  });

  it('a change that does nothing leaves history alone', () => {
    expect(applyToHistory(start, { type: 'remove-mapping', direction: H2D, target: 'nothing' })).toBe(start);
    const noOp = applyToHistory(start, { type: 'set-direction', direction: H2D });
    expect(noOp).toBe(start);
  });
});
