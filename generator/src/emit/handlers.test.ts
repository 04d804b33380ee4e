import * as runtime from '@kongo/runtime';
import { describe, expect, it } from 'vitest';
import { HUBSPOT_OBJECT_APIS } from './handlers.ts';

describe('runtime.gen.ts HubSpot object API', () => {
  it.each(Object.entries(HUBSPOT_OBJECT_APIS))(
    'names %s by an export of @kongo/runtime: %s',
    (type, name) => {
      const exported: unknown = (runtime as Record<string, unknown>)[name];
      expect(exported).toMatchObject({ objectType: type });
      expect(runtime.hubspotObjectApi(type as keyof typeof HUBSPOT_OBJECT_APIS)).toBe(exported);
    },
  );
});
