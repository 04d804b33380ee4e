/**
 * One HTTP call with a timeout, turned into either a response or a DeliveryError that says whether
 * it is worth retrying. fetch is injected so tests and benchmarks can count or fake calls.
 */
import type { System } from '../mapping-store/types.ts';
import { DeliveryError, isRetryableStatus } from './errors.ts';
import { type ProviderProfile, retryAfterMs } from './profiles.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
}

export async function httpCall(
  side: System,
  profile: ProviderProfile,
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
): Promise<CallResult> {
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(profile.timeoutMs) });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new DeliveryError(
      side,
      `${init.method ?? 'GET'} ${redactUrl(url)} ${timedOut ? `timed out after ${profile.timeoutMs} ms` : 'failed to connect'}`,
      { status: 0, retryable: true, code: timedOut ? 'TIMEOUT' : 'NETWORK', cause: error },
    );
  }
  return { status: response.status, headers: response.headers, text };
}

/** The DeliveryError for a non-success answer: provider code, retry hint, retryable or not. */
export function failureFrom(
  side: System,
  profile: ProviderProfile,
  method: string,
  url: string,
  result: CallResult,
): DeliveryError {
  const code = errorCode(result.text);
  return new DeliveryError(
    side,
    `${method} ${redactUrl(url)} answered ${result.status}${code ? ` ${code}` : ''}`,
    {
      status: result.status,
      retryable: isRetryableStatus(result.status),
      ...(code ? { code } : {}),
      ...withHint(retryAfterMs(profile, result.headers)),
    },
  );
}

function withHint(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}

/** Best-effort provider error code from a JSON error body (HubSpot, GraphQL, REST shapes). */
export function errorCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as {
      errorType?: string;
      category?: string;
      error?: { code?: string };
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    return body.errorType ?? body.category ?? body.error?.code ?? body.errors?.[0]?.extensions?.code;
  } catch {
    return undefined;
  }
}

/** Query strings can hold natural keys (emails): keep them out of messages and logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}

export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
