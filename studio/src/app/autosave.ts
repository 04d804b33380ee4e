/**
 * Autosave of mapping work to localStorage, so a reload loses nothing. Only the spec, drafts,
 * rejected suggestions, imported schemas and the open tab are kept: never tokens (the browser
 * never has them) and never sample records (client data).
 */
import type { Direction, Draft, Schema, StudioSpec, WorkspaceState } from '../model/index.ts';
import { createWorkspace } from '../model/index.ts';

export const AUTOSAVE_KEY = 'kongo.studio.workspace.v1';

interface Saved {
  v: 1;
  spec: StudioSpec;
  drafts: Draft[];
  rejected: string[];
  hubspot: Schema | null;
  destination: Schema | null;
  direction: Direction;
  nextDraft: number;
}

export function saveWorkspace(state: WorkspaceState, storage: Storage = localStorage): void {
  const saved: Saved = {
    v: 1,
    spec: state.spec,
    drafts: state.drafts,
    rejected: state.rejected,
    hubspot: state.hubspot,
    destination: state.destination,
    direction: state.direction,
    nextDraft: state.nextDraft,
  };
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or disabled: the work is still in memory; the status bar shows "not saved".
  }
}

export function loadWorkspace(storage: Storage = localStorage): WorkspaceState | null {
  try {
    const text = storage.getItem(AUTOSAVE_KEY);
    if (!text) return null;
    const saved = JSON.parse(text) as Partial<Saved>;
    if (saved.v !== 1 || !saved.spec || !Array.isArray(saved.spec.flows)) return null;
    return {
      ...createWorkspace(saved.spec),
      drafts: saved.drafts ?? [],
      rejected: saved.rejected ?? [],
      hubspot: saved.hubspot ?? null,
      destination: saved.destination ?? null,
      direction: saved.direction ?? 'hubspot-to-destination',
      nextDraft: saved.nextDraft ?? 1,
    };
  } catch {
    return null;
  }
}
