// Request counters by endpoint, operation and status: benchmarks count API calls through them.

export interface CounterSnapshot {
  total: number;
  /** `"POST /graphql"` → `{ "200": 3, "429": 1 }`. */
  byEndpoint: Record<string, Record<string, number>>;
  /** Finer grain: `"mutation createAttendee"`, `"GET /jobs/{id}"` → status counts. */
  byOperation: Record<string, Record<string, number>>;
}

export class RequestCounters {
  #total = 0;
  #byEndpoint = new Map<string, Map<string, number>>();
  #byOperation = new Map<string, Map<string, number>>();

  /** Counts one answered request. `status` is a number, or `"timeout"` / `"reset"` for injected faults. */
  record(endpoint: string, operation: string | undefined, status: number | string): void {
    this.#total += 1;
    bump(this.#byEndpoint, endpoint, String(status));
    if (operation !== undefined) bump(this.#byOperation, operation, String(status));
  }

  snapshot(): CounterSnapshot {
    return {
      total: this.#total,
      byEndpoint: toRecord(this.#byEndpoint),
      byOperation: toRecord(this.#byOperation),
    };
  }

  reset(): void {
    this.#total = 0;
    this.#byEndpoint.clear();
    this.#byOperation.clear();
  }
}

function bump(map: Map<string, Map<string, number>>, key: string, status: string): void {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  inner.set(status, (inner.get(status) ?? 0) + 1);
}

function toRecord(map: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, inner] of [...map].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = Object.fromEntries([...inner].sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}
