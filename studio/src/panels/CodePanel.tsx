/** The generated code, read-only, with a line diff against the previous generation. */
import { diffLines } from 'diff';
import { useState } from 'react';
import { serverApi } from '../app/server-api.ts';
import type { StudioSpec } from '../model/index.ts';

type Files = Record<string, string>;

export function CodePanel(props: { spec: StudioSpec; hasErrors: boolean }) {
  const [current, setCurrent] = useState<Files | null>(null);
  const [previous, setPrevious] = useState<Files | null>(null);
  const [file, setFile] = useState<string | null>(null);
  const [status, setStatus] = useState<'idle' | 'running' | 'error'>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const [showDiff, setShowDiff] = useState(true);
  async function run() {
    setStatus('running');
    setMessage(null);
    try {
      const { files } = await serverApi.generate(props.spec);
      setPrevious(current);
      setCurrent(files);
      setFile((f) => (f && f in files ? f : (Object.keys(files).sort()[0] ?? null)));
      setStatus('idle');
    } catch (e) {
      setStatus('error');
      setMessage((e as Error).message);
    }
  }

  const names = current ? Object.keys(current).sort() : [];
  const text = file && current ? (current[file] ?? '') : '';
  const before = file && previous ? previous[file] : undefined;
  const changedFiles = new Set(names.filter((n) => previous && previous[n] !== current?.[n]));

  return (
    <div className="code-panel" data-testid="code-panel">
      <div className="toolbar">
        <button type="button" onClick={() => void run()} disabled={status === 'running'}>
          {status === 'running' ? 'Generating…' : current ? 'Generate again' : 'Generate code'}
        </button>
        {props.hasErrors ? (
          <span className="muted small">The spec has errors; generation may refuse it.</span>
        ) : null}
        {previous ? (
          <label className="small">
            <input type="checkbox" checked={showDiff} onChange={(e) => setShowDiff(e.target.checked)} /> diff
            vs previous
          </label>
        ) : null}
      </div>
      {message ? <p className={status === 'error' ? 'error-text' : ''}>{message}</p> : null}
      {!current && !message ? (
        <div className="empty-state">Run the generator to see the files it writes (read-only).</div>
      ) : null}
      {current ? (
        <div className="code-layout">
          <ul className="file-list">
            {names.map((n) => (
              <li key={n}>
                <button type="button" className={n === file ? 'active' : ''} onClick={() => setFile(n)}>
                  {n}
                  {changedFiles.has(n) ? ' •' : ''}
                </button>
              </li>
            ))}
          </ul>
          <pre className="code-view">
            {showDiff && before !== undefined
              ? diffLines(before, text).map((part, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: diff parts have no identity but their order
                  <span key={i} className={part.added ? 'diff-add' : part.removed ? 'diff-del' : ''}>
                    {part.value}
                  </span>
                ))
              : text}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
