/** Import a destination's record shape from JSON Schema (top-level properties of an object schema). */
import type { FieldDef, FieldType, Schema } from '../types.ts';
import { ImportError } from './errors.ts';

export interface JsonSchemaNode {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
  readOnly?: boolean;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  $ref?: string;
  allOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  nullable?: boolean;
  'x-enum-labels'?: string[];
}

/** `$ref` resolver: returns the referenced node or undefined. */
export type Resolve = (ref: string) => JsonSchemaNode | undefined;

export function refResolver(root: unknown): Resolve {
  return (ref) => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    return node && typeof node === 'object' ? (node as JsonSchemaNode) : undefined;
  };
}

/** Follow $ref and merge allOf into one node (enough for the record shapes destinations publish). */
export function flatten(node: JsonSchemaNode, resolve: Resolve, depth = 0): JsonSchemaNode {
  if (depth > 20) throw new ImportError('Schema $ref chain is too deep (a cycle?)');
  if (node.$ref) {
    const target = resolve(node.$ref);
    if (!target) throw new ImportError(`Cannot resolve ${node.$ref}`);
    return flatten({ ...target, ...withoutRef(node) }, resolve, depth + 1);
  }
  if (node.allOf) {
    const merged: JsonSchemaNode = {
      ...node,
      properties: { ...(node.properties ?? {}) },
      required: [...(node.required ?? [])],
    };
    delete merged.allOf;
    for (const part of node.allOf) {
      const flat = flatten(part, resolve, depth + 1);
      Object.assign(merged.properties as object, flat.properties ?? {});
      merged.required = [...(merged.required ?? []), ...(flat.required ?? [])];
      if (flat.type && !merged.type) merged.type = flat.type;
    }
    return merged;
  }
  const variants = node.oneOf ?? node.anyOf;
  if (variants) {
    const nonNull = variants.map((v) => flatten(v, resolve, depth + 1)).filter((v) => v.type !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], nullable: true };
  }
  return node;
}

function withoutRef(node: JsonSchemaNode): JsonSchemaNode {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

function fieldType(node: JsonSchemaNode): FieldType {
  if (node.enum) return 'enum';
  const types = (Array.isArray(node.type) ? node.type : [node.type]).filter((t) => t && t !== 'null');
  const t = types[0];
  if (t === 'string')
    return node.format === 'date' ? 'date' : node.format === 'date-time' ? 'datetime' : 'string';
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  return 'unknown';
}

/** Fields from an object schema; `group` labels them in the field list. */
export function fieldsFromObjectSchema(schema: JsonSchemaNode, resolve: Resolve, group: string): FieldDef[] {
  const flat = flatten(schema, resolve);
  if (!flat.properties) throw new ImportError('Expected an object schema with "properties"');
  const required = new Set(flat.required ?? []);
  return Object.entries(flat.properties).map(([name, raw]) => {
    const node = flatten(raw, resolve);
    const type = fieldType(node);
    const field: FieldDef = { name, label: node.title || name, type, group };
    if (type === 'enum' && node.enum) {
      const labels = node['x-enum-labels'];
      field.options = node.enum
        .filter((v) => v !== null)
        .map((v, i) => ({ value: String(v), label: labels?.[i] ?? String(v) }));
    }
    if (node.readOnly) field.readOnly = true;
    if (required.has(name)) field.required = true;
    if (node.description) field.description = node.description;
    return field;
  });
}

/** Import a JSON Schema document describing one record (or with `definitionName`, one of its $defs). */
export function importJsonSchema(
  json: unknown,
  options: { definitionName?: string; source?: string } = {},
): Schema {
  if (!json || typeof json !== 'object') throw new ImportError('Expected a JSON Schema object');
  const root = json as JsonSchemaNode & {
    $defs?: Record<string, JsonSchemaNode>;
    definitions?: Record<string, JsonSchemaNode>;
  };
  const defs = root.$defs ?? root.definitions ?? {};
  const chosen = options.definitionName ? defs[options.definitionName] : root;
  if (!chosen) throw new ImportError(`No definition named ${options.definitionName}`);
  const group = options.definitionName ?? root.title ?? 'record';
  return {
    side: 'destination',
    source: options.source ?? `JSON Schema › ${group}`,
    fields: fieldsFromObjectSchema(chosen, refResolver(json), group),
  };
}
