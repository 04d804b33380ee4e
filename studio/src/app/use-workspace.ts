/** The React binding of the model: a reducer over undo/redo history, with autosave. */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import {
  applyToHistory,
  canRedo,
  canUndo,
  createHistory,
  createWorkspace,
  type History,
  type MappingChange,
  redo,
  type StudioSpec,
  undo,
  type WorkspaceState,
} from '../model/index.ts';
import { loadWorkspace, saveWorkspace } from './autosave.ts';

type Action =
  | { type: 'change'; change: MappingChange }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'reset' }
  | { type: 'open'; spec: StudioSpec };

function reducer(history: History, action: Action): History {
  switch (action.type) {
    case 'change':
      return applyToHistory(history, action.change);
    case 'undo':
      return undo(history);
    case 'redo':
      return redo(history);
    case 'reset':
      return createHistory(createWorkspace());
    case 'open':
      return createHistory(createWorkspace(action.spec));
  }
}

export interface WorkspaceApi {
  state: WorkspaceState;
  dispatch: (change: MappingChange) => void;
  undo: () => void;
  redo: () => void;
  reset: () => void;
  /** A fresh workspace on this spec (New integration, Open running): no schemas, drafts or history. */
  open: (spec: StudioSpec) => void;
  canUndo: boolean;
  canRedo: boolean;
}

export function useWorkspace(): WorkspaceApi {
  const [history, send] = useReducer(reducer, undefined, () =>
    createHistory(loadWorkspace() ?? createWorkspace()),
  );
  const state = history.present;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => saveWorkspace(state), 300);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [state]);
  // Save immediately when the page goes away, so nothing is lost in the debounce window.
  useEffect(() => {
    const flush = () => saveWorkspace(state);
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [state]);

  const dispatch = useCallback((change: MappingChange) => send({ type: 'change', change }), []);
  return useMemo(
    () => ({
      state,
      dispatch,
      undo: () => send({ type: 'undo' }),
      redo: () => send({ type: 'redo' }),
      reset: () => send({ type: 'reset' }),
      open: (spec: StudioSpec) => send({ type: 'open', spec }),
      canUndo: canUndo(history),
      canRedo: canRedo(history),
    }),
    [state, dispatch, history],
  );
}
