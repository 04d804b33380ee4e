// A simulator's state on disk: read once at start, saved atomically (temp file + rename) shortly after changes.
import { readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SubscriptionRegistry } from './admin-common.ts';
import type { UndeliveredWebhook } from './webhook-dispatcher.ts';

const MAX_DELAY_MS = 1_000;

/** The state file cannot be used: the message names the file and what to do about it. */
export class StateFileError extends Error {
  override name = 'StateFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A value of the wrong shape met while restoring; `StateFile.restore` reports it as a corrupt file. */
export class StateShapeError extends Error {
  override name = 'StateShapeError';
}

export interface StateFileOptions {
  file: string;
  /** Who owns it, for messages: "HubSpot simulator". */
  label: string;
  /** Written as `format`; a file with another format is refused. */
  format: string;
  version: number;
  /** The state to save, taken synchronously (so it is consistent); must be JSON-serialisable. */
  snapshot: () => Record<string, unknown>;
  /**
   * Save this long after the first unsaved change (later changes join that save). Default 200 ms; a large
   * state waits up to 4× as long as its last snapshot took, at most 1 s, so saving never keeps the simulator
   * busy for more than about a fifth of the time.
   */
  delayMs?: number;
  /** Where background save failures are reported. Default console.error. */
  log?: (message: string) => void;
}

/**
 * Debounced, atomic persistence of one simulator's state. `read()` at start, `markDirty()` after every change,
 * `close()` when the simulator stops (saves what is pending and reports a failure to save).
 */
export class StateFile {
  readonly file: string;
  readonly #options: StateFileOptions;
  readonly #delayMs: number;
  #dirty = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> | undefined;
  /** How long the last snapshot + JSON.stringify held the event loop, ms. */
  #lastBlockMs = 0;
  /** Changes marked so far, and the number of them the file on disk holds (for `durable()`). */
  #changeSeq = 0;
  #savedSeq = 0;
  #waiters: Array<{ seq: number; resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(options: StateFileOptions) {
    this.file = options.file;
    this.#options = options;
    this.#delayMs = options.delayMs ?? 200;
  }

  /** The saved state, or undefined when the file does not exist yet. Throws `StateFileError` otherwise. */
  read(): Record<string, unknown> | undefined {
    const { file, label, format, version } = this.#options;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateFileError(
        file,
        `Cannot read the ${label} state file ${file}: ${messageOf(error)}. Fix its permissions, or delete it ` +
          'to start the simulator with no records (the ones saved in it are lost).',
      );
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`it is not valid JSON (${messageOf(error)})`);
    }
    if (!isPlainObject(data) || data.format !== format) {
      throw this.corrupt(`it does not hold "format": "${format}"`);
    }
    if (data.version !== version) {
      throw this.corrupt(`its version ${JSON.stringify(data.version)} is not the supported ${version}`);
    }
    return data;
  }

  /** Runs `apply` on the saved state; a `StateShapeError` it throws becomes a corrupt-file `StateFileError`. */
  restore<T>(data: Record<string, unknown>, apply: (data: Record<string, unknown>) => T): T {
    try {
      return apply(data);
    } catch (error) {
      if (error instanceof StateShapeError) throw this.corrupt(error.message);
      throw error;
    }
  }

  corrupt(reason: string): StateFileError {
    const { file, label } = this.#options;
    return new StateFileError(
      file,
      `The ${label} state file ${file} is corrupt: ${reason}. Delete it to start the simulator with no ` +
        'records (the ones saved in it are lost), or put back a good copy.',
    );
  }

  /** Schedules a save (`delayMs` after this change unless one is already due sooner). */
  markDirty(): void {
    this.#dirty = true;
    this.#changeSeq += 1;
    this.#arm();
  }

  /**
   * Resolves once every change marked so far is in the file on disk — what a simulator awaits before it
   * acknowledges a write, so a kill right after a 2xx loses nothing the caller was told had happened.
   * Writes waiting together share one save (group commit); with nothing unsaved it resolves at once. Rejects
   * when the save fails (the caller answers 5xx, as a system whose commit failed would).
   */
  durable(): Promise<void> {
    const seq = this.#changeSeq;
    if (this.#savedSeq >= seq) return Promise.resolve();
    if (this.#closed && !this.#saving) return this.flush();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject });
      // Someone is waiting: save now rather than after the debounce delay.
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      this.#arm();
    });
  }

  /** Saves now if anything is unsaved; rejects when the save fails. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      if (!this.#saving) break;
      await this.#saving.catch(() => undefined);
    }
    if (!this.#dirty) return;
    const saving = this.#write();
    this.#saving = saving;
    try {
      await saving;
    } finally {
      this.#saving = undefined;
      this.#arm(); // changes made while this save ran
    }
  }

  /** Stops scheduling and saves what is pending; rejects with a clear error when that save fails. */
  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.flush();
    } catch (error) {
      throw new StateFileError(
        this.file,
        `Could not save the ${this.#options.label} state to ${this.file}: ${messageOf(error)}; ` +
          'the latest changes are lost.',
      );
    }
  }

  #arm(): void {
    if (this.#closed || this.#timer || this.#saving || !this.#dirty) return;
    const urgent = this.#waiters.length > 0;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (!this.#dirty) return;
        const saving = this.#write().catch((error: unknown) => {
          (this.#options.log ?? console.error)(
            `Could not save the ${this.#options.label} state to ${this.file}: ${messageOf(error)} (will retry)`,
          );
        });
        this.#saving = saving;
        void saving.finally(() => {
          if (this.#saving === saving) this.#saving = undefined;
          this.#arm();
        });
      },
      urgent ? 0 : Math.max(this.#delayMs, Math.min(MAX_DELAY_MS, 4 * this.#lastBlockMs)),
    );
    this.#timer.unref();
  }

  async #write(): Promise<void> {
    this.#dirty = false;
    const seq = this.#changeSeq;
    let text: string;
    try {
      const { format, version, snapshot } = this.#options;
      const started = performance.now();
      text = JSON.stringify({ format, version, savedAt: new Date().toISOString(), ...snapshot() });
      this.#lastBlockMs = performance.now() - started;
      await writeAtomically(this.file, text);
    } catch (error) {
      this.#dirty = true;
      // Those waiting for this save are told; later ones wait for the retry.
      const failed = this.#waiters.filter((w) => w.seq <= seq);
      this.#waiters = this.#waiters.filter((w) => w.seq > seq);
      const reason = new StateFileError(
        this.file,
        `Could not save the ${this.#options.label} state to ${this.file}: ${messageOf(error)}`,
      );
      for (const waiter of failed) waiter.reject(reason);
      throw error;
    }
    this.#savedSeq = Math.max(this.#savedSeq, seq);
    const done = this.#waiters.filter((w) => w.seq <= this.#savedSeq);
    this.#waiters = this.#waiters.filter((w) => w.seq > this.#savedSeq);
    for (const waiter of done) waiter.resolve();
  }
}

/** Writes a temp file next to `file`, syncs it, then renames it over `file`: readers see old or new, never half. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shape checks for restoring: each returns the value typed, or throws `StateShapeError` naming `where`. */
export const check = {
  object(value: unknown, where: string): Record<string, unknown> {
    if (!isPlainObject(value)) throw new StateShapeError(`${where} is not an object`);
    return value;
  },
  array(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) throw new StateShapeError(`${where} is not an array`);
    return value;
  },
  string(value: unknown, where: string): string {
    if (typeof value !== 'string') throw new StateShapeError(`${where} is not a string`);
    return value;
  },
  stringOrNull(value: unknown, where: string): string | null {
    if (value !== null && typeof value !== 'string')
      throw new StateShapeError(`${where} is not a string or null`);
    return value;
  },
  number(value: unknown, where: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new StateShapeError(`${where} is not a number`);
    return value;
  },
  integer(value: unknown, where: string, min = 0): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new StateShapeError(`${where} is not an integer ≥ ${min}`);
    }
    return value;
  },
  boolean(value: unknown, where: string): boolean {
    if (typeof value !== 'boolean') throw new StateShapeError(`${where} is not true or false`);
    return value;
  },
  /** An ISO date-time; returns it in epoch ms. */
  isoTime(value: unknown, where: string): number {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw new StateShapeError(`${where} is not an ISO date-time`);
    return ms;
  },
  /** Undelivered webhooks as `WebhookDispatcher.undelivered()` lists them (absent in older files = none). */
  undelivered(value: unknown, where: string): UndeliveredWebhook[] {
    if (value === undefined) return [];
    return check.array(value, where).map((item, i) => {
      const at = `${where}[${i}]`;
      const w = check.object(item, at);
      const entry: UndeliveredWebhook = {
        subscriptionId: check.string(w.subscriptionId, `${at}.subscriptionId`),
        eventId: check.string(w.eventId, `${at}.eventId`),
        type: check.string(w.type, `${at}.type`),
        body: check.string(w.body, `${at}.body`),
        attempt: check.integer(w.attempt, `${at}.attempt`, 1),
      };
      if (w.dueAt !== undefined) entry.dueAt = check.number(w.dueAt, `${at}.dueAt`);
      return entry;
    });
  },
  /** Webhook subscriptions (`{ id, url, secret }`) as SubscriptionRegistry lists them. */
  subscriptions(value: unknown, where: string): Array<{ id: string; url: string; secret: string }> {
    return check.array(value, where).map((item, i) => {
      const sub = check.object(item, `${where}[${i}]`);
      return {
        id: check.string(sub.id, `${where}[${i}].id`),
        url: check.string(sub.url, `${where}[${i}].url`),
        secret: check.string(sub.secret, `${where}[${i}].secret`),
      };
    });
  },
};

/**
 * Puts saved webhook subscriptions back (same ids), then applies the start options' ones: one with the URL of a
 * saved subscription replaces it (its secret may have changed), others are added, and a saved subscription that
 * came from the previous start options (`savedStartUrls`) but is no longer among them is dropped — so a moved
 * receiver (e.g. a new gateway port) does not leave a dead subscription behind. Subscriptions added through the
 * admin API stay. Returns whether the list now differs from the saved one.
 */
export function restoreSubscriptions(
  registry: SubscriptionRegistry,
  saved: ReadonlyArray<{ id: string; url: string; secret: string }>,
  savedStartUrls: readonly string[],
  initial: ReadonlyArray<{ url: string; secret: string }>,
): boolean {
  registry.clear();
  saved.forEach((subscription, i) => {
    try {
      registry.add(subscription);
    } catch (error) {
      throw new StateShapeError(`subscriptions[${i}]: ${messageOf(error)}`);
    }
  });
  let changed = false;
  const wantedUrls = new Set(initial.map((s) => s.url));
  for (const old of registry.list()) {
    if (savedStartUrls.includes(old.url) && !wantedUrls.has(old.url)) {
      registry.remove(old.id);
      changed = true;
    }
  }
  for (const wanted of initial) {
    const same = registry.list().find((s) => s.url === wanted.url);
    if (same?.secret === wanted.secret) continue;
    changed = true;
    if (same) registry.remove(same.id);
    registry.add(same ? { ...wanted, id: same.id } : wanted);
  }
  return changed;
}
