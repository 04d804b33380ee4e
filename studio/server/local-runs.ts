/**
 * What the studio asks of the local sandbox under `npm start`: run a spec (after a preflight), list
 * and open what runs, and show each record change's trace. The sandbox implements it; the studio
 * server only relays, so these are plain data shapes.
 */

/** One preflight check, as the studio shows it: what was checked, whether it passed, and the fix. */
export interface PreflightCheck {
  /** Stable id: `spec`, `secret:/acme/destination-api-token`, `hubspot-app`, `destination`, … */
  id: string;
  title: string;
  ok: boolean;
  /** What was found (a created secret says so here). */
  detail: string;
  /** What to do about a failure, in one sentence. */
  fix?: string;
}

export interface RunLocallyAnswer {
  integration: string;
  generation: number;
  webhooks: Record<string, string>;
  /** Every check made before (and right after) loading, passed ones included. */
  checks: PreflightCheck[];
  /** True when an integration of the same name was running and this replaced it. */
  replaced: boolean;
  /** ms since epoch; traces of this generation start after it. */
  loadedAt: number;
}

/**
 * Run locally did not load the spec. `exists`: an integration of that name runs and the caller did
 * not say to replace it (409). `refused`: a preflight check failed (422); `checks` says which.
 */
export class RunLocallyRefusal extends Error {
  override readonly name = 'RunLocallyRefusal';
  constructor(
    readonly reason: 'exists' | 'refused',
    message: string,
    readonly checks: PreflightCheck[] = [],
  ) {
    super(message);
  }
}

/** An integration loaded in the local gateway. */
export interface RunningIntegration {
  name: string;
  client: { slug: string; name: string };
  hubspotObject: string;
  destination: string;
  appId: number;
  generation: number;
  /** False after a stop (handlers off, routes removed). */
  running: boolean;
  loadedAt: number;
  mappings: { 'hubspot-to-destination': number; 'destination-to-hubspot': number };
}

/** One record change's path through the seven stages (ids and timings only, as the runtime keeps it). */
export interface TraceView {
  traceId: string;
  direction?: string;
  objectType?: string;
  recordId?: string;
  startedAt: number;
  outcome: string;
  stages: Array<{ stage: string; startedAt: number; durationMs: number; status: string; note?: string }>;
}

export interface FailureView {
  at: number;
  stage: string;
  kind: string;
  reason: string;
  recordId?: string;
  traceId?: string;
}

export interface LocalRuns {
  run(specText: string, options: { replace: boolean }): Promise<RunLocallyAnswer>;
  list(): RunningIntegration[];
  /** The spec text as it was run (the consultant's file, before local overrides); undefined if none. */
  specText(name: string): string | undefined;
  /** Traces and failures of `name` since `since` (ms), newest last. */
  activity(name: string, since: number): { traces: TraceView[]; failures: FailureView[] };
  /**
   * Stop (`false`) or restart (`true`) a loaded integration's handlers and routes: two integrations
   * syncing the same records would overwrite each other, so the consultant stops the one not in use.
   * Throws when no integration has that name.
   */
  setRunning(name: string, running: boolean): void;
  /**
   * Catalog connectors (ids) whose specs Run locally can load through a simulator of their own, beside
   * the destinations the studio server reads directly. Absent: none.
   */
  connectors?(): string[];
}
