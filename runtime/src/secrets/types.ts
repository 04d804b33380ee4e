/** The SecretSource port: secrets by parameter name (SSM on AWS, a git-ignored file locally). */
export interface SecretSource {
  /** The value, or undefined when no such parameter exists. Implementations never log values. */
  get(name: string, options?: { fresh?: boolean }): Promise<string | undefined>;
  /**
   * Replaces the value (a rotating OAuth refresh token the API just re-issued). Optional: a source
   * without it can't hold a rotating credential, and the connector client says so.
   */
  put?(name: string, value: string): Promise<void>;
}

/** The secrets family's error: names the parameter (never the value) and what to do. */
export class SecretsError extends Error {
  override readonly name = 'SecretsError';
  readonly parameter: string | undefined;

  constructor(message: string, options: { parameter?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.parameter = options.parameter;
  }
}
