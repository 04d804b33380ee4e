/** The mapping store's one error class: which operation failed, on which key, and the cause. */
export class MappingStoreError extends Error {
  override readonly name = 'MappingStoreError';
  readonly operation: string;
  readonly key: string;

  constructor(operation: string, key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
    this.key = key;
  }
}
