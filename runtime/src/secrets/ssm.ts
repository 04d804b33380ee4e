/**
 * SecretSource on SSM Parameter Store (SecureString, decrypted). Values — and absences, since the
 * `-previous` parameter usually doesn't exist — are cached for `maxAgeMs`, so a warm Lambda makes
 * no SSM call per request. Concurrent misses for one name share one call.
 */
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { type SecretSource, SecretsError } from './types.ts';

/** The slice of SSMClient this adapter uses (lets tests inject a stand-in). */
export interface SsmSender {
  send(command: GetParameterCommand | PutParameterCommand): Promise<{ Parameter?: { Value?: string } }>;
}

export type SsmSecretSourceOptions = ({ client: SsmSender } | { clientConfig: SSMClientConfig }) & {
  /** How long a value (or an absence) is reused, ms. Default 5 minutes, like Powertools' parameters. */
  maxAgeMs?: number;
  now?: () => number;
};

export class SsmSecretSource implements SecretSource {
  readonly #client: SsmSender;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { value: Promise<string | undefined>; expiresAt: number }>();

  constructor(options: SsmSecretSourceOptions) {
    this.#client = 'client' in options ? options.client : new SSMClient(options.clientConfig);
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  get(name: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
    const now = this.#now();
    const cached = this.#cache.get(name);
    if (cached && cached.expiresAt > now && !options.fresh) return cached.value;
    const value = this.#fetch(name);
    this.#cache.set(name, { value, expiresAt: now + this.#maxAgeMs });
    // A failed call is not cached: the next request tries again.
    value.catch(() => this.#cache.delete(name));
    return value;
  }

  /** Overwrites a SecureString (needs ssm:PutParameter on that one parameter) and caches the new value. */
  async put(name: string, value: string): Promise<void> {
    try {
      await this.#client.send(
        new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
      );
    } catch (error) {
      throw new SecretsError(
        `Could not write SSM parameter ${name}; check the function's ssm:PutParameter permission.`,
        { parameter: name, cause: error },
      );
    }
    this.#cache.set(name, { value: Promise.resolve(value), expiresAt: this.#now() + this.#maxAgeMs });
  }

  async #fetch(name: string): Promise<string | undefined> {
    try {
      const result = await this.#client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      return result.Parameter?.Value;
    } catch (error) {
      if (
        error instanceof ParameterNotFound ||
        (error instanceof Error && error.name === 'ParameterNotFound')
      ) {
        return undefined;
      }
      throw new SecretsError(
        `Could not read SSM parameter ${name}; check the function's ssm:GetParameter permission.`,
        {
          parameter: name,
          cause: error,
        },
      );
    }
  }
}
