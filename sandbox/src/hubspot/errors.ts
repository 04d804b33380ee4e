/** HubSpot's error bodies (REFERENCE.md §3–4), built in one place so every endpoint answers alike. */
import { randomUUID } from 'node:crypto';

export interface ErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  errors?: ErrorDetail[];
  context?: Record<string, string[]>;
}

/** An expected API failure: the handler throws it, the router turns it into the response. */
export class HubSpotApiError extends Error {
  override name = 'HubSpotApiError';
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export const correlationId = (): string => randomUUID();

export function errorBody(
  category: string,
  message: string,
  extra: Partial<Omit<HubSpotErrorBody, 'status' | 'message' | 'category' | 'correlationId'>> = {},
): HubSpotErrorBody {
  return { status: 'error', message, correlationId: correlationId(), category, ...extra };
}

/** A per-property validation failure, in the legacy shape HubSpot still embeds in the message. */
export interface PropertyProblem {
  name: string;
  code: string;
  message: string;
}

/** 400 VALIDATION_ERROR for one or more property problems; the whole write is rejected. */
export function validationError(problems: PropertyProblem[]): HubSpotApiError {
  const legacy = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.code,
    name: p.name,
    localizedErrorMessage: p.message,
  }));
  return new HubSpotApiError(400, {
    ...errorBody('VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(legacy)}`, {
      errors: problems.map((p) => ({
        message: p.message,
        code: p.code,
        context: { propertyName: [p.name] },
      })),
    }),
  });
}

export function badRequest(message: string, errors?: ErrorDetail[]): HubSpotApiError {
  return new HubSpotApiError(400, { ...errorBody('VALIDATION_ERROR', message, errors ? { errors } : {}) });
}

export function notFound(id: string): HubSpotApiError {
  return new HubSpotApiError(404, {
    ...errorBody('OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
      context: { id: [id] },
    }),
  });
}

export function conflict(message: string): HubSpotApiError {
  return new HubSpotApiError(409, { ...errorBody('CONFLICT', message) });
}

export const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function unauthorized(): HubSpotApiError {
  return new HubSpotApiError(401, { ...errorBody('INVALID_AUTHENTICATION', AUTH_MESSAGE) });
}
