/**
 * Pause / resume and dry-run per integration, shared by every process (the CLI flips them, workers
 * read them). Kept as a small versioned item in the mapping store's cursor family
 * (`CURSOR#{integration}#control`) so no new item type or port is needed. Workers cache the read
 * for `cacheMs` so steady state adds no item operation per event.
 */
import type { MappingStore } from '../mapping-store/types.ts';

export interface IntegrationControls {
  paused: boolean;
  dryRun: boolean;
}

const NAME = 'control';
const DEFAULTS: IntegrationControls = { paused: false, dryRun: false };

export interface ControlPanel {
  read(): Promise<IntegrationControls>;
  /** Cached read for the hot path. */
  isPaused(): Promise<boolean>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  setDryRun(on: boolean): Promise<void>;
}

export function controlPanel(
  store: Pick<MappingStore, 'getCursor' | 'putCursor'>,
  integration: string,
  options: { cacheMs?: number; now?: () => number } = {},
): ControlPanel {
  const cacheMs = options.cacheMs ?? 2_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: IntegrationControls } | undefined;

  const read = async (): Promise<IntegrationControls> => {
    const cursor = await store.getCursor(integration, NAME);
    const value = cursor
      ? { ...DEFAULTS, ...(JSON.parse(cursor.value) as Partial<IntegrationControls>) }
      : DEFAULTS;
    cached = { at: now(), value };
    return value;
  };

  const change = async (patch: Partial<IntegrationControls>): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cursor = await store.getCursor(integration, NAME);
      const current = cursor ? (JSON.parse(cursor.value) as Partial<IntegrationControls>) : {};
      const next = JSON.stringify({ ...DEFAULTS, ...current, ...patch });
      if (await store.putCursor(integration, NAME, next, cursor?.version ?? null)) {
        cached = undefined;
        return;
      }
    }
    throw new Error(`Could not change the controls of ${integration}: they kept changing; try again.`);
  };

  return {
    read,
    async isPaused() {
      if (cached && now() - cached.at < cacheMs) return cached.value.paused;
      return (await read()).paused;
    },
    pause: () => change({ paused: true }),
    resume: () => change({ paused: false }),
    setDryRun: (on) => change({ dryRun: on }),
  };
}
