/** The one error importers throw: the file is not what the consultant said it was. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}
