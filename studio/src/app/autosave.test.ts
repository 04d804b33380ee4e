import { describe, expect, it } from 'vitest';
import { eventsSchema, hubspotSchema } from '../model/fixtures/schemas.ts';
import { applyMappingChange, createWorkspace, type MappingChange } from '../model/index.ts';
import { AUTOSAVE_KEY, loadWorkspace, saveWorkspace } from './autosave.ts';

class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

describe('autosave', () => {
  it('restores the mapping work after a reload, without the selection', () => {
    const storage = new MemoryStorage();
    const state = [
      { type: 'load-schema', schema: hubspotSchema() },
      { type: 'load-schema', schema: eventsSchema() },
      { type: 'add-formula', direction: 'hubspot-to-destination', kind: 'concat' },
      { type: 'reject-suggestion', direction: 'hubspot-to-destination', source: 'a', target: 'b' },
    ].reduce((s, c) => applyMappingChange(s, c as MappingChange), createWorkspace());
    saveWorkspace(state, storage);
    const restored = loadWorkspace(storage);
    expect(restored).toEqual({ ...state, selection: null });
  });

  it('saves only mapping work: the keys it writes are fixed and hold no secrets or records', () => {
    const storage = new MemoryStorage();
    saveWorkspace(createWorkspace(), storage);
    const saved = JSON.parse(storage.getItem(AUTOSAVE_KEY) ?? '{}') as Record<string, unknown>;
    expect(Object.keys(saved).sort()).toEqual([
      'destination',
      'direction',
      'drafts',
      'hubspot',
      'nextDraft',
      'rejected',
      'spec',
      'v',
    ]);
  });

  it('ignores a damaged or foreign save', () => {
    const storage = new MemoryStorage();
    storage.setItem(AUTOSAVE_KEY, '{not json');
    expect(loadWorkspace(storage)).toBeNull();
    storage.setItem(AUTOSAVE_KEY, JSON.stringify({ v: 2 }));
    expect(loadWorkspace(storage)).toBeNull();
  });
});
