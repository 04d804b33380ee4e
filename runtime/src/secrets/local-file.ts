/**
 * SecretSource on the git-ignored `.kongo/secrets.json` (`{ "<parameter name>": "<value>" }`).
 * Re-read when the file changes (checked at most once per `recheckMs`), so a local rotation needs
 * no restart. A missing file means no secrets; a broken one is an error naming the file.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type SecretSource, SecretsError } from './types.ts';

export const DEFAULT_SECRETS_FILE = join('.kongo', 'secrets.json');

export interface LocalFileSecretSourceOptions {
  /** Default `.kongo/secrets.json` under the current directory. */
  path?: string;
  recheckMs?: number;
}

export class LocalFileSecretSource implements SecretSource {
  readonly path: string;
  readonly #recheckMs: number;
  #values: Map<string, string> | undefined;
  #mtimeMs = -1;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(options: LocalFileSecretSourceOptions = {}) {
    this.path = options.path ?? DEFAULT_SECRETS_FILE;
    this.#recheckMs = options.recheckMs ?? 1_000;
  }

  async get(name: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
    if (options.fresh) this.#checkedAt = Number.NEGATIVE_INFINITY;
    const values = await this.#load();
    return values.get(name);
  }

  /** Rewrites the file with one value replaced (write to a temporary file, then rename). */
  async put(name: string, value: string): Promise<void> {
    this.#checkedAt = Number.NEGATIVE_INFINITY;
    const values = new Map(await this.#load());
    values.set(name, value);
    const temporary = `${this.path}.${process.pid}.tmp`;
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(temporary, `${JSON.stringify(Object.fromEntries(values), null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
    this.#checkedAt = Number.NEGATIVE_INFINITY;
  }

  async #load(): Promise<Map<string, string>> {
    const now = Date.now();
    if (this.#values && now - this.#checkedAt < this.#recheckMs) return this.#values;
    this.#checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.path)).mtimeMs;
    } catch {
      this.#values = new Map();
      this.#mtimeMs = -1;
      return this.#values;
    }
    if (this.#values && mtimeMs === this.#mtimeMs) return this.#values;
    const text = await readFile(this.path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SecretsError(
        `${this.path} is not valid JSON; it should be { "<parameter name>": "<value>" }.`,
        {
          cause: error,
        },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SecretsError(`${this.path} should be an object: { "<parameter name>": "<value>" }.`);
    }
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') {
        throw new SecretsError(`${this.path}: the value of "${key}" should be a string.`, { parameter: key });
      }
      values.set(key, value);
    }
    this.#values = values;
    this.#mtimeMs = mtimeMs;
    return values;
  }
}
