/** Undo/redo as stacks of whole states: changes are pure, so a state is its own checkpoint. */
import { applyMappingChange, isNavigation, type MappingChange } from './changes.ts';
import type { WorkspaceState } from './types.ts';

export interface History {
  past: WorkspaceState[];
  present: WorkspaceState;
  future: WorkspaceState[];
}

/** How many steps back the consultant can go. */
export const HISTORY_LIMIT = 200;

export function createHistory(present: WorkspaceState): History {
  return { past: [], present, future: [] };
}

/** Apply a change; edits become undoable, navigation (select, switch tab) does not. */
export function applyToHistory(history: History, change: MappingChange): History {
  const next = applyMappingChange(history.present, change);
  if (next === history.present) return history;
  if (isNavigation(change)) return { ...history, present: next };
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

export function undo(history: History): History {
  const previous = history.past.at(-1);
  if (!previous) return history;
  // Keep where the consultant is looking: undo restores the edit, not the tab.
  const restored = { ...previous, direction: history.present.direction };
  return { past: history.past.slice(0, -1), present: restored, future: [history.present, ...history.future] };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
