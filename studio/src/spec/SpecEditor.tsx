/**
 * integration-spec.json in Monaco, with the spec's JSON Schema for validation and completion.
 * Edits that parse replace the spec (the canvas follows); canvas edits rewrite the text, never over
 * an edit of the consultant's that is not applied yet.
 */

import { integrationSpecSchema, SPEC_SCHEMA_ID } from '@kongo/runtime/spec';
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { StudioSpec } from '../model/index.ts';
import { jsonDefaults, type monaco } from './monaco-setup.ts';
import { locatePointer } from './pointer-lines.ts';
import { specText } from './spec-file.ts';

jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  enableSchemaRequest: false,
  // A spec that breaks its schema will not validate or generate: show that as an error, not a hint.
  schemaValidation: 'error',
  schemas: [{ uri: SPEC_SCHEMA_ID, fileMatch: ['*'], schema: integrationSpecSchema }],
});

export interface SpecEditorProps {
  spec: StudioSpec;
  onSpec: (spec: StudioSpec) => void;
  /** A JSON pointer to reveal (from the problems panel); `nonce` re-triggers the same pointer. */
  reveal: { pointer: string; nonce: number } | null;
}

export default function SpecEditor({ spec, onSpec, reveal }: SpecEditorProps) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  /** The spec the editor's text stands for (written from it, or taken from it). */
  const lastSynced = useRef<StudioSpec>(spec);
  /** Text the consultant typed or pasted that is not applied yet (waiting, or not parsing). */
  const pending = useRef<string | null>(null);
  /** True while the canvas's spec is being written into the text (that change is not the consultant's). */
  const writing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latestSpec = useRef(spec);
  latestSpec.current = spec;
  const [parseError, setParseError] = useState<string | null>(null);

  /** Applies the consultant's text to the spec; false when it does not parse (the text stays as typed). */
  const applyText = (text: string): boolean => {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { flows?: unknown }).flows))
        throw new Error('the spec needs a "flows" array');
      setParseError(null);
      pending.current = null;
      lastSynced.current = parsed as StudioSpec;
      onSpec(parsed as StudioSpec);
      return true;
    } catch (e) {
      setParseError((e as Error).message);
      return false;
    }
  };

  const writeSpec = (editor: monaco.editor.IStandaloneCodeEditor, next: StudioSpec) => {
    lastSynced.current = next;
    const text = specText(next);
    const model = editor.getModel();
    if (!model || model.getValue() === text) return;
    writing.current = true;
    try {
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    } finally {
      writing.current = false;
    }
  };

  // Canvas → text. The text is rewritten only when the spec changed from what it stands for: an
  // undo back to a spec that once came from the text is rewritten too (the text then shows the
  // removal that came after). A consultant's edit still waiting for its debounce (a paste) is newer
  // than the spec it would be written over: it is applied now instead of being overwritten; one that
  // does not parse is left as typed ("Not applied to the canvas yet").
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per spec; the helpers read refs and onSpec
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || spec === lastSynced.current) return;
    if (pending.current !== null) {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      applyText(pending.current);
      return;
    }
    writeSpec(editor, spec);
  }, [spec]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !reveal) return;
    const at = locatePointer(editor.getValue(), reveal.pointer);
    if (at) {
      editor.revealLineInCenter(at.line);
      editor.setPosition({ lineNumber: at.line, column: at.column });
      editor.focus();
    }
  }, [reveal]);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    // Monaco loads lazily: the spec may have changed since the text it was created with.
    if (latestSpec.current !== lastSynced.current) writeSpec(editor, latestSpec.current);
    if (reveal) {
      const at = locatePointer(editor.getValue(), reveal.pointer);
      if (at) editor.revealLineInCenter(at.line);
    }
  };

  return (
    <div className="spec-editor" data-testid="spec-editor">
      {parseError ? <p className="error-text small">Not applied to the canvas yet: {parseError}</p> : null}
      <Editor
        height="100%"
        path="integration-spec.json"
        defaultLanguage="json"
        defaultValue={specText(spec)}
        onMount={onMount}
        options={{
          minimap: { enabled: false },
          fontSize: 12,
          tabSize: 2,
          scrollBeyondLastLine: false,
          automaticLayout: true,
        }}
        onChange={(text) => {
          // The canvas's own write is not an edit: taking it back as one would re-apply a spec the
          // canvas may already have left (an undo within the debounce came back undone).
          if (writing.current) return;
          pending.current = text ?? '';
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            timer.current = null;
            if (pending.current !== null) applyText(pending.current);
          }, 400);
        }}
      />
    </div>
  );
}
