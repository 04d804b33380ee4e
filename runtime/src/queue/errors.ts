/** The queue family's errors: one class, with the operation and the underlying cause. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
  }
}
