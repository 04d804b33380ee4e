// Validates a fault configuration that arrived as JSON (admin API, CLI flags) before it reaches the injector.
import type { FaultConfig } from './index.ts';

/** A fault configuration that failed validation; `problems` names each bad field. */
export class FaultConfigError extends Error {
  override name = 'FaultConfigError';
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(`Invalid fault configuration: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

const RATES = [
  'rate429',
  'rate5xx',
  'rateTimeout',
  'rateReset',
  'duplicateWebhookRate',
  'faultAfterProcessingRate',
  'concurrentEditRate',
] as const;
const RANGES = ['retryAfterMs', 'latencyMs'] as const;
const FLAGS = ['reorderWebhooks', 'echoBeforeResponse'] as const;
const KNOWN = new Set<string>(['seed', ...RATES, ...RANGES, ...FLAGS, 'latencyDistribution', 'operations']);

/**
 * Checks a JSON value field by field and returns it typed; unknown fields and out-of-range values throw.
 * @example parseFaultConfig({ seed: 7, rate429: 0.1 }) // → { seed: 7, rate429: 0.1 }
 */
export function parseFaultConfig(value: unknown): Partial<FaultConfig> {
  const problems: Array<{ field: string; message: string }> = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultConfigError([{ field: '', message: 'expected a JSON object' }]);
  }
  const input = value as Record<string, unknown>;
  const out: Partial<FaultConfig> = {};
  for (const key of Object.keys(input))
    if (!KNOWN.has(key)) problems.push({ field: key, message: 'unknown field' });
  if (input.seed !== undefined) {
    if (typeof input.seed === 'number' && Number.isInteger(input.seed)) out.seed = input.seed;
    else problems.push({ field: 'seed', message: 'expected an integer' });
  }
  for (const key of RATES) {
    const rate = input[key];
    if (rate === undefined) continue;
    if (typeof rate === 'number' && rate >= 0 && rate <= 1) out[key] = rate;
    else problems.push({ field: key, message: 'expected a number from 0 to 1' });
  }
  for (const key of RANGES) {
    const range = input[key];
    if (range === undefined) continue;
    if (typeof range === 'object' && range !== null && !Array.isArray(range)) {
      const { min, max } = range as Record<string, unknown>;
      if (typeof min === 'number' && typeof max === 'number' && min >= 0 && max >= min) {
        out[key] = { min, max };
        continue;
      }
    }
    problems.push({ field: key, message: 'expected { min, max } with 0 ≤ min ≤ max (ms)' });
  }
  for (const key of FLAGS) {
    const flag = input[key];
    if (flag === undefined) continue;
    if (typeof flag === 'boolean') out[key] = flag;
    else problems.push({ field: key, message: 'expected true or false' });
  }
  const distribution = input.latencyDistribution;
  if (distribution !== undefined) {
    if (distribution === 'uniform' || distribution === 'long-tail') out.latencyDistribution = distribution;
    else problems.push({ field: 'latencyDistribution', message: 'expected "uniform" or "long-tail"' });
  }
  const operations = input.operations;
  if (operations !== undefined) {
    if (Array.isArray(operations) && operations.every((o) => typeof o === 'string')) {
      out.operations = operations as string[];
    } else problems.push({ field: 'operations', message: 'expected an array of operation names' });
  }
  const total = (out.rate429 ?? 0) + (out.rate5xx ?? 0) + (out.rateTimeout ?? 0) + (out.rateReset ?? 0);
  if (total > 1)
    problems.push({ field: 'rate429', message: 'rate429 + rate5xx + rateTimeout + rateReset exceeds 1' });
  if (problems.length > 0) throw new FaultConfigError(problems);
  return out;
}
