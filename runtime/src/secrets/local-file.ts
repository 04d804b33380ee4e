/**
 * SecretSource on the git-ignored `.kongo/secrets.json` (`{ "<parameter name>": "<value>" }`).
 * Re-read when the file changes (checked at most once per `recheckMs`), so a local rotation needs
 * no restart. A missing file means no secrets; a broken one is an error naming the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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

  async get(name: string): Promise<string | undefined> {
    const values = await this.#load();
    return values.get(name);
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
