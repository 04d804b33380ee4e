/**
 * Preview: run the direction's mappings over a sample record with the runtime's own applyTransforms,
 * show each field's output or error, and diff it against the matching record on the other side.
 * Sample records (and a pasted one) live in the shell's memory (useSamples): kept across tabs, never autosaved.
 */
import { applyTransforms } from '@kongo/runtime/formulas';
import type { Flow } from '@kongo/runtime/spec';
import { useMemo } from 'react';
import type { SampleRecord, SamplesApi } from '../app/use-samples.ts';
import { flowOf, sidesOf, type WorkspaceState } from '../model/index.ts';

function show(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function PreviewPanel(props: { state: WorkspaceState; samples: SamplesApi; online: boolean }) {
  const { state, online } = props;
  const direction = state.direction;
  const sides = sidesOf(direction);
  const flow = flowOf(state.spec, direction);
  const { records: samples, pasted, setPasted, picked, setPicked, loading } = props.samples;
  const error = props.samples.error;
  const sourceRecords = samples[sides.source];
  let record: SampleRecord | null = sourceRecords[picked] ?? null;
  let pasteError: string | null = null;
  if (pasted.trim()) {
    try {
      const parsed = JSON.parse(pasted) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const obj = parsed as SampleRecord;
        // HubSpot API records nest values under "properties"; accept either shape.
        record =
          obj.properties && typeof obj.properties === 'object' ? (obj.properties as SampleRecord) : obj;
      } else pasteError = 'Paste one JSON object (a record)';
    } catch (e) {
      pasteError = `Not JSON: ${(e as Error).message}`;
    }
  }

  const result = useMemo(() => {
    if (!flow || !record) return null;
    return applyTransforms(
      flow as unknown as Pick<Flow, 'mappings'>,
      record as Parameters<typeof applyTransforms>[1],
    );
  }, [flow, record]);

  const naturalKey = state.spec.destination.naturalKey;
  const keyOnTarget = sides.target === 'hubspot' ? naturalKey.hubspotProperty : naturalKey.destinationField;
  const existing = result
    ? samples[sides.target].find(
        (r) => r[keyOnTarget] !== undefined && r[keyOnTarget] === result.output[keyOnTarget],
      )
    : undefined;

  const load = () => void props.samples.load();

  return (
    <div className="preview" data-testid="preview">
      <div className="toolbar">
        <button type="button" onClick={load} disabled={loading || !online} data-testid="preview-load">
          {loading ? 'Loading…' : 'Load sample records'}
        </button>
        {sourceRecords.length > 0 ? (
          <select
            aria-label="Sample record"
            data-testid="preview-pick"
            value={picked}
            onChange={(e) => setPicked(Number(e.target.value))}
          >
            {sourceRecords.map((r, i) => (
              <option key={String(r.id ?? r.hs_object_id ?? i)} value={i}>
                {String(r.email ?? r.reference ?? r.id ?? r.hs_object_id ?? `record ${i + 1}`)}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {!online ? (
        <p className="muted small">Connect to HubSpot to load records, or paste one below.</p>
      ) : null}
      {error ? <p className="error-text">{error}</p> : null}
      <details open={pasted.trim() !== '' || undefined}>
        <summary>Paste a record (JSON)</summary>
        <textarea
          aria-label="Paste a record"
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          rows={5}
          placeholder='{"email": "Ann@Example.com", "firstname": "Ann"}'
        />
        {pasteError ? <p className="error-text">{pasteError}</p> : null}
      </details>
      {!record ? (
        <div className="empty-state">
          Load or paste a {sides.source === 'hubspot' ? 'HubSpot' : 'destination'} record to preview this
          direction.
        </div>
      ) : !result ? null : (
        <>
          <p className="muted small">
            {existing
              ? `Matches an existing record by ${keyOnTarget}: showing what would change.`
              : `No matching ${sides.target} record by ${keyOnTarget}: would create.`}
          </p>
          <table className="preview-table" data-testid="preview-table">
            <thead>
              <tr>
                <th>Target</th>
                <th>Now</th>
                <th>Would write</th>
              </tr>
            </thead>
            <tbody>
              {(flow?.mappings ?? []).map((m) => {
                const fieldError = result.errors.find((e) => e.target === m.target);
                const before = existing?.[m.target];
                const after = result.output[m.target];
                const changed = !fieldError && (existing ? before !== after : true);
                return (
                  <tr key={m.target} className={fieldError ? 'row-error' : changed ? 'row-changed' : ''}>
                    <td>
                      <code>{m.target}</code>
                    </td>
                    <td className="muted">{existing ? show(before) : '—'}</td>
                    <td>
                      {fieldError ? (
                        <span className="error-text">
                          {fieldError.code}: {fieldError.message}
                        </span>
                      ) : (
                        show(after)
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small">
            {result.errors.length} field error{result.errors.length === 1 ? '' : 's'} · computed by the
            runtime's applyTransforms
          </p>
        </>
      )}
    </div>
  );
}
