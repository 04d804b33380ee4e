/**
 * The connector format's JSON Schema (draft 2020-12). Unions keyed by `type` (auth, pagination,
 * id sources, webhook verification) are one object with every member's properties here; which
 * properties each `type` takes is checked in `validate.ts`, whose messages name the type.
 * Browser-safe.
 */

const slug = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 2, maxLength: 64 } as const;
const text = { type: 'string', minLength: 1 } as const;
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;
const headerName = { type: 'string', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" } as const;
const templates = { type: 'object', additionalProperties: { type: 'string' } } as const;
const timeFormat = { enum: ['iso', 'iso-seconds', 'unix-s', 'unix-ms', 'sql', 'date'] } as const;

const idSource = {
  type: 'object',
  additionalProperties: false,
  required: ['from'],
  properties: {
    from: { enum: ['body', 'header', 'request', 'caller'] },
    path: { type: 'string' },
    name: headerName,
    pattern: text,
  },
} as const;

const operation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    path: { type: 'string', pattern: '^/' },
    query: templates,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        format: { enum: ['json', 'form'] },
        envelope: text,
        extra: { type: 'object' },
      },
    },
    graphql: text,
    variables: { type: 'object' },
    payload: { type: 'string' },
    userErrors: text,
    record: { type: 'string' },
    records: { type: 'string' },
    id: idSource,
    emptyAnswer: { enum: ['reread', 'fail'] },
    reread: { type: 'boolean' },
    notFound: { type: 'array', items: { type: 'integer', minimum: 200, maximum: 599 }, uniqueItems: true },
    ordered: { type: 'boolean' },
  },
} as const;

export const connectorSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kongo.dev/schemas/connector/v1.json',
  title: 'Kongo destination connector',
  type: 'object',
  additionalProperties: false,
  required: [
    'connectorVersion',
    'id',
    'name',
    'api',
    'baseUrl',
    'verifiedAgainst',
    'auth',
    'record',
    'operations',
  ],
  properties: {
    $schema: { type: 'string' },
    connectorVersion: { const: 1, description: 'Version of this format.' },
    id: { ...slug, description: 'Catalog id the spec names in destination.connector.' },
    name: { ...text, maxLength: 100, description: 'Display name.' },
    description: { type: 'string', maxLength: 2000 },
    api: { enum: ['rest', 'graphql'], description: 'API style.' },
    baseUrl: { type: 'string', pattern: '^https?://', description: 'API base URL (a template).' },
    endpoint: { type: 'string', pattern: '^/' },
    verifiedAgainst: { ...text, description: 'What this description was checked against.' },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fact', 'source'],
        properties: { fact: text, source: text },
      },
    },
    connection: {
      type: 'object',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'description'],
        properties: {
          type: { enum: ['string', 'integer', 'boolean'] },
          description: text,
          required: { type: 'boolean' },
          example: { type: ['string', 'number', 'boolean'] },
          default: { type: ['string', 'number', 'boolean'] },
        },
      },
    },
    credentials: {
      type: 'object',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['description'],
        properties: { description: text, rotates: { type: 'boolean' } },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      description: 'How calls authenticate.',
      properties: {
        type: {
          enum: ['none', 'bearer', 'api-key', 'basic', 'oauth2-client-credentials', 'oauth2-refresh-token'],
        },
        token: text,
        in: { enum: ['header', 'query'] },
        name: text,
        value: text,
        username: text,
        password: { type: 'string' },
        tokenUrl: { type: 'string', pattern: '^(https?://|\\{)' },
        clientId: text,
        clientSecret: text,
        clientAuth: { enum: ['basic', 'body'] },
        params: templates,
        refreshToken: name,
        rotates: { type: 'boolean' },
        renewBeforeSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
      },
    },
    headers: { type: 'object', propertyNames: headerName, additionalProperties: { type: 'string' } },
    record: {
      type: 'object',
      additionalProperties: false,
      required: ['objectType', 'idPath', 'idType', 'fields'],
      properties: {
        objectType: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$' },
        idPath: text,
        idType: { enum: ['string', 'integer', 'uuid', 'encoded'] },
        idPattern: text,
        updatedAtPath: text,
        updatedAtFormat: timeFormat,
        naturalKeys: { type: 'array', items: text, uniqueItems: true },
        fields: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path', 'type'],
            properties: {
              path: text,
              type: { enum: ['string', 'number', 'integer', 'boolean', 'datetime', 'enum'] },
              label: text,
              description: { type: 'string' },
              options: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
              writable: { type: 'array', items: { enum: ['create', 'update'] }, uniqueItems: true },
            },
          },
        },
      },
    },
    operations: {
      type: 'object',
      additionalProperties: false,
      properties: {
        list: operation,
        get: operation,
        create: operation,
        update: operation,
        delete: operation,
        findByKey: operation,
      },
    },
    pagination: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['none', 'cursor', 'page', 'offset', 'relay', 'link-header'] },
        from: { enum: ['body', 'header'] },
        path: text,
        header: headerName,
        size: { type: 'integer', minimum: 1, maximum: 10000 },
        firstPage: { type: 'integer', minimum: 0, maximum: 1 },
        firstCursor: text,
        totalPagesPath: text,
        connection: { type: 'string' },
      },
    },
    modifiedSince: {
      type: 'object',
      additionalProperties: false,
      required: ['format'],
      properties: { format: timeFormat, overlapSeconds: { type: 'integer', minimum: 0, maximum: 86400 } },
    },
    webhooks: {
      type: 'object',
      additionalProperties: false,
      required: ['verify', 'bodyFormat', 'eventType', 'recordId'],
      properties: {
        verify: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { enum: ['hmac', 'url-token'] },
            header: headerName,
            algorithm: { enum: ['sha1', 'sha256', 'sha512'] },
            encoding: { enum: ['hex', 'base64'] },
            prefix: { type: 'string' },
            payload: text,
            secretEncoding: { enum: ['utf8', 'base64'] },
            secretPrefix: text,
            timestamp: {
              type: 'object',
              additionalProperties: false,
              required: ['header', 'unit', 'toleranceSeconds'],
              properties: {
                header: headerName,
                unit: { enum: ['s', 'ms'] },
                toleranceSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
              },
            },
            separator: { type: 'string', minLength: 1 },
            eventIdHeader: headerName,
            param: name,
          },
        },
        bodyFormat: { enum: ['json', 'form'] },
        jsonFields: { type: 'array', items: text, uniqueItems: true },
        events: { type: 'string' },
        eventType: text,
        recordId: text,
        occurredAt: text,
        eventId: text,
        record: { type: 'string' },
        actions: { type: 'object', additionalProperties: { enum: ['upsert', 'delete', 'ignore'] } },
        handshakes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['when'],
            properties: {
              when: {
                type: 'object',
                additionalProperties: false,
                required: ['path', 'equals'],
                properties: { path: text, equals: { type: 'string' } },
              },
              json: templates,
              text: text,
            },
          },
        },
        replyDeadlineMs: { type: 'integer', minimum: 100, maximum: 60000 },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        retryAfterHeaders: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'unit'],
            properties: { name: headerName, unit: { enum: ['s', 'ms'] } },
          },
        },
        rateLimitHeaders: {
          type: 'object',
          additionalProperties: false,
          required: ['remaining'],
          properties: { remaining: headerName, max: headerName },
        },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 120000 },
        retryableStatuses: {
          type: 'array',
          items: { type: 'integer', minimum: 400, maximum: 599 },
          uniqueItems: true,
        },
        maxAttempts: { type: 'integer', minimum: 1, maximum: 10 },
        baseDelayMs: { type: 'integer', minimum: 1, maximum: 60000 },
        maxDelayMs: { type: 'integer', minimum: 1, maximum: 600000 },
        retryableCodes: { type: 'array', items: text, uniqueItems: true },
        notFoundCodes: { type: 'array', items: text, uniqueItems: true },
        cost: {
          type: 'object',
          additionalProperties: false,
          required: ['requestedPath', 'availablePath', 'restoreRatePath'],
          properties: { requestedPath: text, availablePath: text, restoreRatePath: text },
        },
      },
    },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        header: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'format'],
          properties: { name: headerName, format: { enum: ['uuid', 'any'] } },
        },
      },
    },
    notes: { type: 'array', items: text },
  },
} as const;
