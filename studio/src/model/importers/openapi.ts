/** Import a destination's record shape from an OpenAPI 3 document's component schemas. */
import type { Schema } from '../types.ts';
import { ImportError } from './errors.ts';
import { fieldsFromObjectSchema, type JsonSchemaNode, refResolver } from './json-schema.ts';

interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string };
  components?: { schemas?: Record<string, JsonSchemaNode> };
}

/** Names of the object schemas the consultant can pick from. */
export function openApiSchemaNames(json: unknown): string[] {
  const doc = json as OpenApiDocument;
  return Object.entries(doc?.components?.schemas ?? {})
    .filter(([, s]) => s.type === 'object' || s.properties || s.allOf)
    .map(([name]) => name);
}

/**
 * Import one component schema (by name; defaults to the first object schema). Fields that only the
 * server sets (`readOnly`) become read-only; an `<Name>Input` / `<Name>Create` schema, when present,
 * decides which fields are writable and required.
 */
export function importOpenApi(json: unknown, schemaName?: string): Schema {
  const doc = json as OpenApiDocument;
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3'))
    throw new ImportError('Expected an OpenAPI 3 document ("openapi": "3.x")');
  const names = openApiSchemaNames(doc);
  const name = schemaName ?? names[0];
  const schemas = doc.components?.schemas ?? {};
  const schema = name ? schemas[name] : undefined;
  if (!name || !schema)
    throw new ImportError(
      schemaName ? `No schema named ${schemaName}` : 'The document has no object schemas',
    );
  const resolve = refResolver(doc);
  const fields = fieldsFromObjectSchema(schema, resolve, name);
  const inputName = [`${name}Input`, `${name}Create`, `Create${name}`, `New${name}`].find((n) => schemas[n]);
  if (inputName) {
    const input = new Map(
      fieldsFromObjectSchema(schemas[inputName]!, resolve, inputName).map((f) => [f.name, f]),
    );
    for (const field of fields) {
      const writable = input.get(field.name);
      if (!writable) field.readOnly = true;
      else if (writable.required) field.required = true;
      else delete field.required;
    }
  }
  return { side: 'destination', source: `${doc.info?.title ?? 'OpenAPI'} › ${name}`, fields };
}
