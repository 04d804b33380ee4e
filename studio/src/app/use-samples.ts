/**
 * Sample records of both sides, held in memory for the whole session (never autosaved): the preview
 * runs mappings over them and the field pickers show their values. Kept above the tabs so switching
 * tabs loses nothing — a pasted record included.
 */
import { useCallback, useMemo, useState } from 'react';
import { fieldsRead, flowOf, type SchemaSide, type WorkspaceState } from '../model/index.ts';
import { serverApi } from './server-api.ts';

export type SampleRecord = Record<string, unknown>;

export interface SamplesApi {
  records: Record<SchemaSide, SampleRecord[]>;
  /** A record pasted into the preview (JSON text), kept while the studio is open. */
  pasted: string;
  setPasted: (text: string) => void;
  /** Which loaded record the preview shows. */
  picked: number;
  setPicked: (index: number) => void;
  loading: boolean;
  error: string | null;
  loaded: boolean;
  load: () => Promise<void>;
  /** Up to `limit` distinct, non-empty sample values of a field, as text. */
  valuesOf: (side: SchemaSide, field: string, limit?: number) => string[];
}

export function useSamples(state: WorkspaceState, destinationName: string | null): SamplesApi {
  const [records, setRecords] = useState<Record<SchemaSide, SampleRecord[]>>({
    hubspot: [],
    destination: [],
  });
  const [pasted, setPasted] = useState('');
  const [picked, setPicked] = useState(0);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const objectType = state.spec.hubspot.objectType;
  const hubspotFields = state.hubspot?.fields;
  const { spec } = state;

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      // Every property of the schema (the pickers show samples for any of them), and whatever the
      // mappings read or write, so the preview works before the schema is loaded too.
      const properties = [
        ...new Set([
          ...(hubspotFields ?? []).map((f) => f.name),
          ...(flowOf(spec, 'hubspot-to-destination')?.mappings ?? []).flatMap((m) => fieldsRead(m.value)),
          ...(flowOf(spec, 'destination-to-hubspot')?.mappings ?? []).map((m) => m.target),
          spec.destination.naturalKey.hubspotProperty,
        ]),
      ];
      const [hubspot, destination] = await Promise.all([
        properties.length > 0
          ? serverApi.hubspotSamples(objectType, properties, 10).then((r) => r.records)
          : Promise.resolve([]),
        destinationName
          ? serverApi.destinationSamples(destinationName, 10).then((r) => r.records)
          : Promise.resolve([]),
      ]);
      setRecords({ hubspot, destination });
      setPicked(0);
      setLoaded(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [hubspotFields, objectType, destinationName, spec]);

  const valuesOf = useCallback(
    (side: SchemaSide, field: string, limit = 3) => {
      const out: string[] = [];
      for (const record of records[side]) {
        const value = record[field];
        if (value === null || value === undefined || value === '') continue;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        if (!out.includes(text)) out.push(text);
        if (out.length >= limit) break;
      }
      return out;
    },
    [records],
  );

  return useMemo(
    () => ({ records, pasted, setPasted, picked, setPicked, loading, error, loaded, load, valuesOf }),
    [records, pasted, picked, loading, error, loaded, load, valuesOf],
  );
}
