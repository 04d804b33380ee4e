/**
 * Reading both sides' schemas through the studio server: HubSpot's properties (the server holds the
 * token) and a destination's schema (GraphQL introspection, or the job system's documented fields
 * plus sample records). The connect dialog, New integration and Open running all use these.
 */
import {
  importGraphQLIntrospection,
  importHubSpotProperties,
  importSampleRecords,
} from '../model/importers/index.ts';
import type { FieldType, Schema, StudioSpec } from '../model/index.ts';
import { serverApi } from './server-api.ts';

export async function readHubSpotSchema(objectType: string, baseUrl: string | undefined): Promise<Schema> {
  const json = await serverApi.hubspotProperties(objectType);
  return importHubSpotProperties(json, `HubSpot ${objectType} (${baseUrl ?? 'portal'})`);
}

/** The destination `name`'s schema, read as the spec describes its records (GraphQL input type). */
export async function readDestinationSchema(name: string, spec: StudioSpec): Promise<Schema> {
  const answer = await serverApi.destinationSchema(name);
  const schema =
    answer.kind === 'graphql'
      ? importGraphQLIntrospection(answer.introspection, answer.typeName, spec.destination.graphql?.inputType)
      : importSampleRecords(answer.samples, {
          group: answer.group,
          enums: answer.enums,
          readOnly: answer.readOnly,
          required: answer.required,
          ...(answer.documented ? { documented: answer.documented as Record<string, FieldType> } : {}),
          source:
            answer.samples.length > 0
              ? `${name} (documented fields + ${answer.samples.length} sample records)`
              : `${name} (documented fields)`,
        });
  return { ...schema, source: `${name} › ${schema.source}` };
}
