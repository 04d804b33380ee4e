/**
 * Counts rejected webhook requests in a sliding window so a spike (someone probing the endpoint,
 * or a rotated secret that never reached us) raises an alert instead of hiding in the logs.
 */
import type { SecurityEvent } from './handler.ts';

export interface SecurityEventCounterOptions {
  /** Sliding window, ms. Default 5 minutes. */
  windowMs?: number;
  /** Rejections within the window that make a spike. Default 20. */
  threshold?: number;
  /** Called once when the window first reaches the threshold, and again only after it has dropped below. */
  onSpike?: (summary: SecuritySpike) => void;
}

export interface SecuritySpike {
  integration: string;
  count: number;
  windowMs: number;
  /** Rejections by reason within the window, e.g. `{ 'bad-signature': 18, 'stale-timestamp': 2 }`. */
  byReason: Record<string, number>;
  at: number;
}

export interface SecurityEventCounter {
  /** Pass as the webhook handler's `onSecurityEvent`. */
  record(event: SecurityEvent): void;
  /** Rejections within the window ending at `now`. */
  count(now: number): number;
  /** Every rejection since start, by reason. */
  totals(): Record<string, number>;
}

export function createSecurityEventCounter(options: SecurityEventCounterOptions = {}): SecurityEventCounter {
  const windowMs = options.windowMs ?? 5 * 60 * 1000;
  const threshold = options.threshold ?? 20;
  const recent: SecurityEvent[] = [];
  const totals: Record<string, number> = {};
  let spiking = false;

  const prune = (now: number) => {
    let drop = 0;
    while (drop < recent.length && (recent[drop] as SecurityEvent).at <= now - windowMs) drop++;
    if (drop > 0) recent.splice(0, drop);
  };

  return {
    record(event) {
      totals[event.reason] = (totals[event.reason] ?? 0) + 1;
      recent.push(event);
      prune(event.at);
      if (recent.length < threshold) {
        spiking = false;
        return;
      }
      if (spiking) return;
      spiking = true;
      const byReason: Record<string, number> = {};
      for (const e of recent) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;
      options.onSpike?.({
        integration: event.integration,
        count: recent.length,
        windowMs,
        byReason,
        at: event.at,
      });
    },
    count(now) {
      prune(now);
      return recent.length;
    },
    totals: () => ({ ...totals }),
  };
}
