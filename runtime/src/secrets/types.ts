/** The SecretSource port: secrets by parameter name (SSM on AWS, a git-ignored file locally). */
export interface SecretSource {
  /** The value, or undefined when no such parameter exists. Implementations never log values. */
  get(name: string): Promise<string | undefined>;
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
