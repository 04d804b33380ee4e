// Applies a FaultInjector decision to one HTTP exchange: latency, 429, 5xx, a hung request or a reset socket.
import type { ServerResponse } from 'node:http';
import type { FaultDecision, FaultInjector } from '../faults/index.ts';
import { sleep } from './server.ts';

/** What the simulator should do after `beforeRequest`. */
export type FaultGate =
  /** Answer normally. */
  | { action: 'proceed' }
  /** Process the request (the write happens) and then lose the answer with `failAnswer(res, decision)`. */
  | { action: 'process-then-fail'; decision: FaultDecision }
  /** The fault already answered (or deliberately never will); record `status` and stop. */
  | { action: 'handled'; status: number | 'timeout' | 'reset' };

/**
 * Draws the next decision for an API request and applies its latency and any fault that strikes before
 * processing. `answer429` renders the simulator's own 429 (body and retry headers) with the hint in ms.
 */
export async function beforeRequest(
  injector: FaultInjector,
  operation: string,
  res: ServerResponse,
  answer429: (retryAfterMs: number) => void,
): Promise<FaultGate> {
  if (!injector.active || !injector.appliesTo(operation)) return { action: 'proceed' };
  const decision = injector.next();
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  switch (decision.kind) {
    case 'none':
      return { action: 'proceed' };
    case '429':
      answer429(decision.retryAfterMs);
      return { action: 'handled', status: 429 };
    default:
      if (decision.phase === 'after') return { action: 'process-then-fail', decision };
      return { action: 'handled', status: failAnswer(res, decision) };
  }
}

/**
 * Loses an answer the way real infrastructure does: a gateway 5xx with a non-JSON body, a request that
 * never answers (the client must time out; closing the simulator frees it), or a reset connection.
 */
export function failAnswer(res: ServerResponse, decision: FaultDecision): number | 'timeout' | 'reset' {
  if (decision.kind === 'timeout') return 'timeout';
  if (decision.kind === 'reset') {
    res.socket?.destroy();
    return 'reset';
  }
  const text = `${decision.status} ${STATUS_TEXT[decision.status] ?? 'Server Error'} (injected fault)`;
  res.writeHead(decision.status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
  return decision.status;
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
