/**
 * Stands in for the `form-data` package in Kongo integration bundles (KongoFunction's
 * `stubFormData`). @hubspot/api-client's shared HTTP transport requires form-data only to ask
 * `body instanceof FormData` before a multipart upload; the runtime never uploads files and never
 * uses that transport (it sends every HubSpot request through its own fetch layer), so the real
 * package — and mime-types' 134 KB mime-db behind it — would be dead weight in every worker.
 * `instanceof` against this class is always false, which is the truth for every body we send;
 * constructing one fails loudly rather than sending a broken upload.
 */
class FormData {
  constructor() {
    throw new Error(
      'form-data is stubbed out of Kongo Lambda bundles (infra/src/kongo-function.ts, stubFormData): multipart uploads are not supported here.',
    );
  }
}

module.exports = FormData;
