/** Import a destination's record shape from a GraphQL introspection result (graphql's buildClientSchema). */
import {
  buildClientSchema,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import type { FieldDef, FieldType, Schema } from '../types.ts';
import { ImportError } from './errors.ts';

function scalarType(type: GraphQLNamedType): FieldType {
  if (isEnumType(type)) return 'enum';
  if (!isScalarType(type)) return 'unknown';
  switch (type.name) {
    case 'String':
    case 'ID':
      return 'string';
    case 'Int':
    case 'Float':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Date':
      return 'date';
    case 'DateTime':
      return 'datetime';
    default:
      return 'string';
  }
}

function toSchema(json: unknown): GraphQLSchema {
  const data = (json as { data?: unknown })?.data ?? json;
  if (!data || typeof data !== 'object' || !('__schema' in data))
    throw new ImportError('Expected a GraphQL introspection result ({ "data": { "__schema": … } })');
  try {
    return buildClientSchema(data as IntrospectionQuery);
  } catch (error) {
    throw new ImportError(`The introspection result is not a valid schema: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Object types that look like records (not Query/Mutation/connections/introspection types). */
export function graphqlTypeNames(json: unknown): string[] {
  const schema = toSchema(json);
  const roots = new Set([
    schema.getQueryType()?.name,
    schema.getMutationType()?.name,
    schema.getSubscriptionType()?.name,
  ]);
  return Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith('__') && !roots.has(t.name))
    .filter((t) => !/(Connection|Edge|PageInfo)$/.test(t.name))
    .map((t) => t.name);
}

/**
 * Fields of `typeName` (e.g. Attendee). Writability and required-ness come from the input type
 * (`inputTypeName`, default `<typeName>Input`): fields it lacks are read-only (id, createdAt…).
 */
export function importGraphQLIntrospection(
  json: unknown,
  typeName: string,
  inputTypeName = `${typeName}Input`,
): Schema {
  const schema = toSchema(json);
  const type = schema.getType(typeName);
  if (!type || !isObjectType(type)) throw new ImportError(`The schema has no object type ${typeName}`);
  const inputCandidate = schema.getType(inputTypeName);
  const input: GraphQLInputObjectType | undefined =
    inputCandidate && isInputObjectType(inputCandidate) ? inputCandidate : undefined;
  const inputFields = input?.getFields();
  const fields: FieldDef[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (!isScalarType(named) && !isEnumType(named)) continue; // nested objects are not mappable fields
    const def: FieldDef = { name: field.name, label: field.name, type: scalarType(named), group: typeName };
    if (isEnumType(named))
      def.options = named.getValues().map((v) => ({ value: v.name, label: v.description || v.name }));
    if (field.description) def.description = field.description;
    if (inputFields) {
      const writable = inputFields[field.name];
      if (!writable) def.readOnly = true;
      else if (isNonNullType(writable.type)) def.required = true;
    }
    fields.push(def);
  }
  return { side: 'destination', source: `GraphQL › ${typeName}`, fields };
}
