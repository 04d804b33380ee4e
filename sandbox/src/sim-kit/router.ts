// A tiny method + path router for admin APIs: `/_admin/records/:id` patterns, no regex soup in handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  parts: string[];
  handler: RouteHandler;
}

export class Router {
  #routes: Route[] = [];

  /** Registers a handler; `:name` segments become params (URL-decoded). */
  on(method: string, pattern: string, handler: RouteHandler): this {
    this.#routes.push({ method: method.toUpperCase(), parts: split(pattern), handler });
    return this;
  }

  /** Finds the handler for a request; `methodNotAllowed` when the path exists under another method. */
  match(
    method: string,
    pathname: string,
  ): { handler: RouteHandler; params: Record<string, string> } | 'methodNotAllowed' | undefined {
    const parts = split(pathname);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        pathMatched = true;
        continue;
      }
      return { handler: route.handler, params };
    }
    return pathMatched ? 'methodNotAllowed' : undefined;
  }

  /** Every registered `METHOD pattern`, for self-describing index pages. */
  describe(): string[] {
    return this.#routes.map((route) => `${route.method} /${route.parts.join('/')}`);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function matchParts(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const got = actual[i] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(got);
    else if (expected !== got) return undefined;
  }
  return params;
}
