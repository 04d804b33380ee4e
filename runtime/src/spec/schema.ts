/**
 * The JSON Schema (draft 2020-12) of integration-spec.json, specVersion 1: the one source the
 * validator compiles and the studio hands to Monaco. Defaults here are applied by `validateSpec`;
 * defaults derived from other fields (parameter names from the client slug, GraphQL operation names
 * from the object type) are applied after it, see defaults.ts and docs/SPEC.md.
 */

export const SPEC_SCHEMA_ID = 'https://kongo.dev/schemas/integration-spec/v1.json';

/** Every pattern the schema uses, with the sentence an error message gives for it. */
export const PATTERNS = {
  slug: {
    pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
    explain: 'lowercase letters, digits and single hyphens, starting with a letter (e.g. "velflex")',
  },
  ssmParameter: {
    pattern: '^(/[A-Za-z0-9_.-]+)+$',
    explain: 'an SSM parameter name such as "/velflex/hubspot-client-secret" (never the secret itself)',
  },
  region: {
    pattern:
      '^(af|ap|ca|eu|il|me|mx|sa|us)(-gov)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9]$',
    explain: 'an AWS region such as "ap-southeast-2"',
  },
  httpUrl: {
    pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$',
    explain: 'an http(s) URL without spaces, query or fragment, e.g. "https://api.example.com"',
  },
  hubspotProperty: {
    pattern: '^[a-z][a-z0-9_]*$',
    explain:
      'a HubSpot internal property name: lowercase letters, digits and underscores (e.g. "kongo_sync_id")',
  },
  fieldName: {
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    explain: 'a field name of letters, digits and underscores, not starting with a digit',
  },
  typeName: {
    pattern: '^[A-Z][A-Za-z0-9]*$',
    explain: 'a type name starting with a capital letter (e.g. "Attendee", "Job")',
  },
  trigger: {
    pattern: '^[a-z][A-Za-z0-9]*\\.[A-Za-z][A-Za-z0-9_.]*$',
    explain: 'an event type such as "contact.propertyChange" or "attendee.updated"',
  },
  headerName: {
    pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
    explain: 'an HTTP header name such as "X-Jobs-Signature"',
  },
  restPath: {
    pattern: '^/[A-Za-z0-9_.~/-]*$',
    explain: 'a path starting with "/" (e.g. "/jobs")',
  },
  fieldPath: {
    // One segment: a name, then any number of [index] or [key=value]; segments joined by ".". The
    // connector path reader (runtime/src/connector/paths.ts) reads the same grammar; a test keeps the two in step.
    pattern:
      '^[A-Za-z_][A-Za-z0-9_]*(\\[(\\d+|[A-Za-z_][A-Za-z0-9_]*=[^\\[\\]]+)\\])*(\\.[A-Za-z_][A-Za-z0-9_]*(\\[(\\d+|[A-Za-z_][A-Za-z0-9_]*=[^\\[\\]]+)\\])*)*$',
    explain:
      'a field name, or a path into nested fields, list elements and custom-field arrays such as "profile.first_name", "emails[0].address" or "custom_fields[name=Region].value"',
  },
  connectorId: {
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
    explain: 'a catalog connector id such as "zoom-meeting-registrants" (`npx kongo connectors` lists them)',
  },
  email: {
    pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    explain: 'an e-mail address such as "oncall@example.com"',
  },
} as const;

const slug = { type: 'string', pattern: PATTERNS.slug.pattern, minLength: 2, maxLength: 32 } as const;
const ssmParameter = { type: 'string', pattern: PATTERNS.ssmParameter.pattern, maxLength: 1011 } as const;
const httpUrl = {
  type: 'string',
  format: 'uri',
  pattern: PATTERNS.httpUrl.pattern,
  maxLength: 2048,
} as const;
const hubspotProperty = {
  type: 'string',
  pattern: PATTERNS.hubspotProperty.pattern,
  maxLength: 100,
} as const;
const graphqlName = { type: 'string', pattern: PATTERNS.fieldName.pattern, maxLength: 100 } as const;
/** A field name or a path into nested fields and custom-field arrays (destination records). */
const fieldPath = { type: 'string', pattern: PATTERNS.fieldPath.pattern, maxLength: 200 } as const;
const connectionValue = { type: ['string', 'number', 'boolean'] } as const;

/** Per-environment values that must differ between the sandbox and production stacks. */
const environmentOverlay = {
  type: 'object',
  additionalProperties: false,
  description:
    'What this environment uses instead of the top-level values: its own URL, HubSpot app, secrets, destination and schedules.',
  properties: {
    publicBaseUrl: { ...httpUrl, description: "This environment's webhook base URL." },
    hubspot: {
      type: 'object',
      additionalProperties: false,
      properties: {
        appId: { type: 'integer', minimum: 1, description: "This environment's HubSpot app id." },
        secretParameter: { ...ssmParameter, description: "SSM parameter of this environment's app secret." },
        accessTokenParameter: {
          ...ssmParameter,
          description: "SSM parameter of this environment's HubSpot access token.",
        },
      },
    },
    destination: {
      type: 'object',
      additionalProperties: false,
      properties: {
        baseUrl: { ...httpUrl, description: "This environment's destination API base URL." },
        auth: {
          type: 'object',
          additionalProperties: false,
          properties: { tokenParameter: { ...ssmParameter } },
        },
        credentials: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.fieldName.pattern },
          additionalProperties: ssmParameter,
        },
        connection: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.fieldName.pattern },
          additionalProperties: connectionValue,
        },
        webhooks: {
          type: 'object',
          additionalProperties: false,
          properties: { secretParameter: { ...ssmParameter } },
        },
      },
    },
    schedules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        polling: { type: 'boolean', description: 'Whether the pollers run in this environment.' },
        reconcile: {
          type: 'boolean',
          description: 'Whether the daily reconciliation runs in this environment.',
        },
      },
    },
  },
} as const;

export const integrationSpecSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SPEC_SCHEMA_ID,
  title: 'Kongo integration spec',
  description:
    'One integration between a HubSpot portal and one destination system, both directions. See docs/SPEC.md.',
  type: 'object',
  additionalProperties: false,
  required: ['specVersion', 'client', 'integration', 'publicBaseUrl', 'hubspot', 'destination', 'flows'],
  properties: {
    $schema: { type: 'string', description: 'Optional editor hint; ignored.' },
    specVersion: { const: 1, description: 'The version of this format. Only 1 exists.' },
    client: {
      type: 'object',
      description: 'Who the integration is for.',
      additionalProperties: false,
      required: ['slug', 'name'],
      properties: {
        slug: {
          ...slug,
          description: 'Short id of the client; prefixes its SSM parameters, e.g. "velflex".',
        },
        name: { type: 'string', minLength: 1, maxLength: 100, description: 'Display name, e.g. "Velflex".' },
      },
    },
    integration: {
      type: 'object',
      description: 'This integration: its name and AWS region.',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {
          ...slug,
          maxLength: 48,
          description: 'Unique name of this integration; names its stack and webhook paths.',
        },
        region: {
          type: 'string',
          pattern: PATTERNS.region.pattern,
          default: 'ap-southeast-2',
          description: 'AWS region the stack is deployed to.',
        },
      },
    },
    environment: {
      enum: ['sandbox', 'production'],
      default: 'sandbox',
      description: 'Which of the client stacks this spec deploys.',
    },
    publicBaseUrl: {
      ...httpUrl,
      description: "Base URL the webhooks are called on. HubSpot's v3 signature covers the full URL.",
    },
    environments: {
      type: 'object',
      additionalProperties: false,
      description:
        'Per-environment overlays: each stack (sandbox, production) reads only its own URL, app, secrets and destination.',
      properties: { sandbox: environmentOverlay, production: environmentOverlay },
    },
    hubspot: {
      type: 'object',
      description: 'The HubSpot side: object type, app, secrets, rate limits, sync id property.',
      additionalProperties: false,
      required: ['objectType', 'appId'],
      properties: {
        objectType: {
          enum: ['contacts', 'companies', 'deals'],
          description: 'The HubSpot CRM object synced.',
        },
        appId: {
          type: 'integer',
          minimum: 1,
          description: 'The HubSpot app id (webhooks and writes carry it).',
        },
        signature: {
          enum: ['v1', 'v2', 'v3'],
          default: 'v3',
          description: 'Webhook signature version the verifier checks; never taken from a request header.',
        },
        secretParameter: {
          ...ssmParameter,
          description:
            "SSM parameter of the app's client secret. Default /{client.slug}/hubspot-client-secret.",
        },
        accessTokenParameter: {
          ...ssmParameter,
          description:
            'SSM parameter of the access token for API calls. Default /{client.slug}/hubspot-access-token.',
        },
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            per10Seconds: {
              type: 'integer',
              minimum: 1,
              maximum: 1000,
              default: 100,
              description: 'Requests per rolling 10 s per app (100 Free/Starter, 190 Pro/Enterprise).',
            },
            daily: {
              type: 'integer',
              minimum: 1,
              default: 250000,
              description: 'Requests per day for the whole account, shared by every app.',
            },
            reservePercent: {
              type: 'number',
              minimum: 0,
              maximum: 90,
              default: 20,
              description: "Percent of both budgets left for the client's other apps.",
            },
          },
        },
        syncIdProperty: {
          ...hubspotProperty,
          default: 'kongo_sync_id',
          description: "Unique-value custom property holding Kongo's stable sync id: the upsert key.",
        },
      },
    },
    destination: {
      type: 'object',
      description: 'The other system: API kind, base URL, object type, natural key, webhooks or polling.',
      additionalProperties: false,
      required: ['name', 'api', 'baseUrl', 'objectType', 'naturalKey', 'idempotency'],
      properties: {
        name: { ...slug, description: 'Short name of the destination system, e.g. "events-platform".' },
        api: { enum: ['rest', 'graphql'], description: 'How the destination is called.' },
        baseUrl: { ...httpUrl, description: 'Base URL of the API (GraphQL: the URL before /graphql).' },
        auth: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            type: { const: 'bearer', default: 'bearer', description: 'Authorization: Bearer <token>.' },
            tokenParameter: {
              ...ssmParameter,
              description: 'SSM parameter of the API token. Default /{client.slug}/destination-api-token.',
            },
          },
        },
        objectType: {
          type: 'string',
          pattern: PATTERNS.typeName.pattern,
          maxLength: 64,
          description: 'The record type, e.g. "Attendee" or "Job".',
        },
        idField: { ...fieldPath, default: 'id', description: "The destination's own id field." },
        updatedAtField: {
          ...fieldPath,
          default: 'updatedAt',
          description:
            "The record's own modification time: the source time of a destination change (never a delivery header).",
        },
        actorField: {
          ...fieldPath,
          description:
            'Optional field naming who made the last change, so our own writes are known by provenance.',
        },
        connector: {
          type: 'string',
          pattern: PATTERNS.connectorId.pattern,
          maxLength: 64,
          description:
            'A catalog connector id; the connector document describes the API (docs/CONNECTORS.md).',
        },
        connection: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.fieldName.pattern },
          additionalProperties: connectionValue,
          description: "Connection settings the connector's templates use, e.g. an event id or a company id.",
        },
        credentials: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.fieldName.pattern },
          additionalProperties: ssmParameter,
          description: "Named SSM parameters of the secrets the connector's auth needs (never the secrets).",
        },
        naturalKey: {
          type: 'object',
          additionalProperties: false,
          required: ['hubspotProperty', 'destinationField'],
          description: 'The pair of fields that identify the same real-world record on both sides.',
          properties: {
            hubspotProperty: { ...hubspotProperty, description: 'The HubSpot property, e.g. "email".' },
            destinationField: {
              ...fieldPath,
              description: 'The destination field, e.g. "email" or "reference".',
            },
          },
        },
        idempotency: {
          enum: ['idempotency-key-header', 'natural-key-lookup', 'none'],
          description: 'How creates are made safe to retry.',
        },
        webhooks: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['scheme'],
          description: 'How the destination signs its webhooks (null or absent: it sends none).',
          properties: {
            scheme: {
              enum: ['standard-webhooks', 'hmac-sha256-hex', 'connector'],
              description:
                "Standard Webhooks, a hex HMAC-SHA256 of the raw body in a header, or (with destination.connector) the connector's own recipe.",
            },
            header: {
              type: 'string',
              pattern: PATTERNS.headerName.pattern,
              maxLength: 100,
              description: 'hmac-sha256-hex only: the header carrying the hex signature.',
            },
            secretParameter: {
              ...ssmParameter,
              description:
                'SSM parameter of the signing secret. Default /{client.slug}/destination-client-secret.',
            },
          },
        },
        polling: {
          type: ['object', 'null'],
          additionalProperties: false,
          description: 'Poll for changes (when there are no webhooks, or as a safety net).',
          properties: {
            intervalSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 300 },
            cursorField: { ...fieldPath, default: 'updatedAt' },
          },
        },
        rest: {
          type: 'object',
          additionalProperties: false,
          properties: {
            collectionPath: {
              type: 'string',
              pattern: PATTERNS.restPath.pattern,
              maxLength: 200,
              description: 'Default "/" + lowercase plural of objectType, e.g. "/jobs".',
            },
          },
        },
        graphql: {
          type: 'object',
          additionalProperties: false,
          description:
            'Operation names; each defaults from objectType (Attendee → attendees, createAttendee, …).',
          properties: {
            listField: graphqlName,
            getField: graphqlName,
            createMutation: graphqlName,
            updateMutation: graphqlName,
            deleteMutation: graphqlName,
            inputType: graphqlName,
          },
        },
      },
    },
    policies: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        deletes: {
          enum: ['ignore', 'propagate', 'flag'],
          default: 'flag',
          description: 'What a delete on one side does to the other.',
        },
        emptyValues: {
          enum: ['skip', 'clear'],
          default: 'skip',
          description: 'Whether an empty (null) mapped value is skipped or clears the target field.',
        },
        fieldOwnership: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.hubspotProperty.pattern },
          additionalProperties: { enum: ['hubspot', 'destination', 'latest'] },
          description: 'Who wins for a HubSpot property both directions map.',
        },
        conflicts: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Edits of one field on both sides closer together than the window go to the declared winner and are counted as conflicts.',
          properties: {
            windowSeconds: {
              type: 'integer',
              minimum: 0,
              maximum: 3600,
              default: 5,
              description:
                'Seconds within which edits on both sides count as a conflict (clocks may differ by seconds).',
            },
            winner: {
              enum: ['hubspot', 'destination'],
              default: 'hubspot',
              description: 'The side whose edit wins a conflict.',
            },
          },
        },
        echoWindowSeconds: {
          type: 'integer',
          minimum: 60,
          maximum: 1209600,
          default: 86400,
          description: 'How long values Kongo wrote are remembered to recognise their echoes.',
        },
        privacy: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            destinationCopy: {
              enum: ['delete', 'anonymise', 'keep'],
              default: 'delete',
              description: "What a HubSpot privacy deletion does to the destination's copy of the person.",
            },
          },
        },
      },
    },
    monitoring: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        heartbeatSeconds: {
          type: 'integer',
          minimum: 60,
          maximum: 3600,
          default: 300,
          description: 'Seconds between heartbeats (60–3600). Down = none for twice this.',
        },
        notificationCentre: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            urlParameter: { ...ssmParameter, default: '/kongo/nc-url' },
            keyParameter: { ...ssmParameter, description: 'Default /{client.slug}/nc-key.' },
          },
        },
        alarms: {
          type: 'object',
          additionalProperties: false,
          description: 'Where CloudWatch alarms notify besides the Notification Centre.',
          properties: {
            email: {
              type: 'string',
              pattern: PATTERNS.email.pattern,
              maxLength: 254,
              description: 'An e-mail address subscribed to the alarm topic.',
            },
            slackWebhookParameter: {
              ...ssmParameter,
              description: 'SSM parameter of a Slack incoming-webhook URL for alarms.',
            },
          },
        },
      },
    },
    flows: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: { $ref: '#/$defs/flow' },
      description: 'One flow per direction, each with its triggers and mappings.',
    },
    studio: {
      type: 'object',
      description: 'Studio state (canvas layout, schema snapshots). The generator ignores it.',
    },
  },
  $defs: {
    flow: {
      type: 'object',
      additionalProperties: false,
      required: ['direction', 'triggers', 'mappings'],
      properties: {
        direction: {
          enum: ['hubspot-to-destination', 'destination-to-hubspot'],
          description: 'Which way this flow carries changes.',
        },
        triggers: {
          type: 'array',
          description:
            'Event types that start this flow, e.g. "contact.propertyChange" or "attendee.updated".',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: PATTERNS.trigger.pattern, maxLength: 100 },
        },
        mappings: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/mapping' },
          description: 'Field mappings: each writes one target field from a value.',
        },
      },
    },
    mapping: {
      type: 'object',
      additionalProperties: false,
      required: ['target', 'value'],
      properties: {
        target: { ...fieldPath, description: 'The field written on the receiving side.' },
        value: { $ref: '#/$defs/value', description: 'A field, a literal or a formula (docs/FORMULAS.md).' },
        note: { type: 'string', maxLength: 2000, description: 'Free text for the reviewer; never code.' },
      },
    },
    value: {
      description:
        'A field reference, a literal, or one of the formulas null, enumMap, stripSpaces, lowercase, concat.',
      anyOf: [
        { $ref: '#/$defs/fieldRef' },
        { $ref: '#/$defs/literal' },
        { $ref: '#/$defs/nullFormula' },
        { $ref: '#/$defs/lowercase' },
        { $ref: '#/$defs/stripSpaces' },
        { $ref: '#/$defs/concat' },
        { $ref: '#/$defs/enumMap' },
      ],
    },
    fieldRef: {
      type: 'object',
      additionalProperties: false,
      required: ['field'],
      properties: { field: fieldPath },
    },
    literal: {
      type: 'object',
      additionalProperties: false,
      required: ['literal'],
      properties: { literal: { type: ['string', 'number', 'boolean'] } },
    },
    nullFormula: {
      type: 'object',
      additionalProperties: false,
      required: ['null'],
      properties: { null: { type: 'object', additionalProperties: false } },
    },
    lowercase: {
      type: 'object',
      additionalProperties: false,
      required: ['lowercase'],
      properties: {
        lowercase: { type: 'array', prefixItems: [{ $ref: '#/$defs/value' }], minItems: 1, items: false },
      },
    },
    stripSpaces: {
      type: 'object',
      additionalProperties: false,
      required: ['stripSpaces'],
      properties: {
        stripSpaces: { type: 'array', prefixItems: [{ $ref: '#/$defs/value' }], minItems: 1, items: false },
      },
    },
    concat: {
      type: 'object',
      additionalProperties: false,
      required: ['concat'],
      properties: { concat: { type: 'array', minItems: 1, items: { $ref: '#/$defs/value' } } },
    },
    enumMap: {
      type: 'object',
      additionalProperties: false,
      required: ['enumMap'],
      properties: {
        enumMap: {
          type: 'object',
          additionalProperties: false,
          required: ['input', 'map'],
          properties: {
            input: { $ref: '#/$defs/value' },
            map: { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'null'] } },
            otherwise: { $ref: '#/$defs/value' },
          },
        },
      },
    },
  },
} as const;

export type IntegrationSpecSchema = typeof integrationSpecSchema;
