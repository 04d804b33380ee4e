/** The spec's convergence settings as the rule uses them (docs/SPEC.md `policies`, `destination`). */
import type { System } from '../mapping-store/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';

export interface ConvergenceSettings {
  /** Edits on both sides closer together than this are a conflict, ms. */
  conflictWindowMs: number;
  /** The side a conflict goes to. */
  winner: System;
  /** How long written values are remembered for echo matching, ms. */
  echoWindowMs: number;
  /** The destination record's own modification time. */
  updatedAtField: string;
  /** The destination field naming who made the last change, and the value that names Kongo. */
  actor?: { field: string; value: string };
}

/** What a destination's actor field says for changes made through the API, i.e. with Kongo's token. */
export const ACTOR_VALUE = 'api';

export function convergenceSettings(spec: IntegrationSpec): ConvergenceSettings {
  const { conflicts, echoWindowSeconds } = spec.policies;
  const actorField = spec.destination.actorField;
  return {
    conflictWindowMs: conflicts.windowSeconds * 1000,
    winner: conflicts.winner,
    echoWindowMs: echoWindowSeconds * 1000,
    updatedAtField: spec.destination.updatedAtField,
    ...(actorField ? { actor: { field: actorField, value: ACTOR_VALUE } } : {}),
  };
}
