/** What node components need from the canvas, passed by context so node data stays plain. */
import { createContext, useContext } from 'react';
import type { MappingChange, NodeLocation, SchemaSide } from '../model/index.ts';
import type { FieldListRole, PlaceOf } from './graph.ts';

export interface CanvasActions {
  dispatch: (change: MappingChange) => void;
  reportPlaces: (role: FieldListRole, place: PlaceOf, version: string) => void;
  openEnumEditor: (location: NodeLocation) => void;
  openConnect: (side: SchemaSide) => void;
  /** Each list's search, filters and scroll, kept per side across direction switches. */
  listMemory: Map<SchemaSide, ListMemory>;
}

export interface ListMemory {
  query: string;
  onlyMapped: boolean;
  collapsed: ReadonlySet<string>;
  scrollTop: number;
}

export const CanvasContext = createContext<CanvasActions | null>(null);

export function useCanvasActions(): CanvasActions {
  const actions = useContext(CanvasContext);
  if (!actions) throw new Error('Canvas nodes must render inside <CanvasContext.Provider>');
  return actions;
}
