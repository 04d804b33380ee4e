// Cost-based rate limits (per second and per day) and the complexity cap, as the Webex Events API applies them.
import {
  type DocumentNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface CostLimits {
  /** Cost allowed within any rolling 1-second window. */
  secondlyThreshold: number;
  /** Cost allowed per UTC day. */
  dailyThreshold: number;
  /** Deeper selection sets answer 413 (introspection is exempt). */
  maxDepth: number;
  /** Longer query documents answer 413. */
  maxQueryLength: number;
}

export const DEFAULT_COST_LIMITS: CostLimits = {
  secondlyThreshold: 500,
  dailyThreshold: 200_000,
  maxDepth: 8,
  maxQueryLength: 20_000,
};

/** Cost of one mutation field. */
export const MUTATION_COST = 10;

/**
 * Static cost of an operation, known before it runs: a query costs 1 plus ceil(first / 10) per
 * `attendees` connection (first defaults to 50); each mutation field costs 10.
 */
export function operationCost(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  if (operation.operation === 'mutation') {
    return Math.max(1, countFields(operation.selectionSet) * MUTATION_COST);
  }
  let cost = 1;
  visit(operation.selectionSet, (name, args) => {
    if (name !== 'attendees') return;
    const first = args.first;
    let size = 50;
    if (first?.kind === Kind.INT) size = Number(first.value);
    else if (first?.kind === Kind.VARIABLE) {
      const value = variables[first.name.value];
      if (typeof value === 'number') size = value;
    }
    cost += Math.ceil(Math.max(0, size) / 10);
  });
  return cost;
}

/** Whether the operation only reads the schema (`__schema` / `__type` / `__typename`). */
export function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
  );
}

/** Nesting depth of the operation's selections, fragments expanded. */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  const depthOf = (set: SelectionSetNode, seen: Set<string>): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name))
          deepest = Math.max(deepest, depthOf(fragment, new Set([...seen, name])));
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet, new Set());
}

function countFields(set: SelectionSetNode): number {
  return set.selections.filter((selection) => selection.kind === Kind.FIELD).length;
}

function visit(
  set: SelectionSetNode,
  onField: (name: string, args: Record<string, ValueNode | undefined>) => void,
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const args: Record<string, ValueNode | undefined> = {};
      for (const argument of selection.arguments ?? []) args[argument.name.value] = argument.value;
      onField(selection.name.value, args);
      if (selection.selectionSet) visit(selection.selectionSet, onField);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      visit(selection.selectionSet, onField);
    }
  }
}

export interface CostVerdict {
  allowed: boolean;
  cost: number;
  secondlyUsed: number;
  dailyUsed: number;
  /** When refused: ms until the secondly window has room (0 if the secondly limit is not the cause). */
  secondlyRetryAfterMs: number;
  /** When refused: seconds until the daily budget resets (0 if the daily limit is not the cause). */
  dailyRetryAfterS: number;
}

/** Sliding 1-second window plus a UTC-day budget, per API token. */
export class CostLimiter {
  limits: CostLimits;
  #now: () => number;
  #windows = new Map<string, Array<{ at: number; cost: number }>>();
  #days = new Map<string, { day: string; used: number }>();

  constructor(limits: CostLimits, now: () => number) {
    this.limits = limits;
    this.#now = now;
  }

  /** Charges `cost` to `token` when both budgets allow it; otherwise reports how long to wait. */
  charge(token: string, cost: number): CostVerdict {
    const now = this.#now();
    const window = (this.#windows.get(token) ?? []).filter((entry) => entry.at > now - 1000);
    this.#windows.set(token, window);
    const today = new Date(now).toISOString().slice(0, 10);
    const daily = this.#days.get(token);
    const dailyUsedBefore = daily?.day === today ? daily.used : 0;
    const secondlyUsedBefore = window.reduce((sum, entry) => sum + entry.cost, 0);
    const secondlyOver = secondlyUsedBefore + cost > this.limits.secondlyThreshold;
    const dailyOver = dailyUsedBefore + cost > this.limits.dailyThreshold;
    if (!secondlyOver && !dailyOver) {
      window.push({ at: now, cost });
      this.#days.set(token, { day: today, used: dailyUsedBefore + cost });
      return {
        allowed: true,
        cost,
        secondlyUsed: secondlyUsedBefore + cost,
        dailyUsed: dailyUsedBefore + cost,
        secondlyRetryAfterMs: 0,
        dailyRetryAfterS: 0,
      };
    }
    let secondlyRetryAfterMs = 0;
    if (secondlyOver) {
      // Wait until enough of the window's oldest charges slide out for this cost to fit.
      let used = secondlyUsedBefore;
      for (const entry of window) {
        used -= entry.cost;
        secondlyRetryAfterMs = Math.max(1, entry.at + 1000 - now);
        if (used + cost <= this.limits.secondlyThreshold) break;
      }
    }
    const midnight = Date.parse(`${today}T00:00:00.000Z`) + 86_400_000;
    return {
      allowed: false,
      cost,
      secondlyUsed: secondlyUsedBefore,
      dailyUsed: dailyUsedBefore,
      secondlyRetryAfterMs,
      dailyRetryAfterS: dailyOver ? Math.ceil((midnight - now) / 1000) : 0,
    };
  }

  /** Current usage without charging (for response headers). */
  usage(token: string): { secondlyUsed: number; dailyUsed: number } {
    const now = this.#now();
    const window = (this.#windows.get(token) ?? []).filter((entry) => entry.at > now - 1000);
    const today = new Date(now).toISOString().slice(0, 10);
    const daily = this.#days.get(token);
    return {
      secondlyUsed: window.reduce((sum, entry) => sum + entry.cost, 0),
      dailyUsed: daily?.day === today ? daily.used : 0,
    };
  }

  /** `X-Secondly-Call-Limit` / `X-Daily-Call-Limit` as `used/threshold` (Webex Events' SDKs read these). */
  limitHeaders(token: string): Record<string, string> {
    const usage = this.usage(token);
    return {
      'x-secondly-call-limit': `${usage.secondlyUsed}/${this.limits.secondlyThreshold}`,
      'x-daily-call-limit': `${usage.dailyUsed}/${this.limits.dailyThreshold}`,
    };
  }

  /** The `extensions` of a MAX_COST_EXCEEDED refusal: the cost asked and what is left of each budget. */
  exceededExtensions(token: string, cost: number): Record<string, unknown> {
    const usage = this.usage(token);
    const { secondlyThreshold, dailyThreshold } = this.limits;
    return {
      code: 'MAX_COST_EXCEEDED',
      cost,
      availableCost: Math.max(0, secondlyThreshold - usage.secondlyUsed),
      threshold: secondlyThreshold,
      dailyThreshold,
      dailyAvailableCost: Math.max(0, dailyThreshold - usage.dailyUsed),
    };
  }

  /**
   * The headers of a refusal: the limits, and a retry header only for the budget that refused (a client reading
   * whichever header comes first must not see a "0" for the one that is fine and retry at once).
   */
  refusalHeaders(
    token: string,
    secondlyRetryAfterMs: number,
    dailyRetryAfterS: number,
  ): Record<string, string> {
    return {
      ...this.limitHeaders(token),
      ...(secondlyRetryAfterMs > 0 ? { 'x-secondly-retry-after': String(secondlyRetryAfterMs) } : {}),
      ...(dailyRetryAfterS > 0 ? { 'x-daily-retry-after': String(dailyRetryAfterS) } : {}),
    };
  }

  reset(): void {
    this.#windows.clear();
    this.#days.clear();
  }
}
