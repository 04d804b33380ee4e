/**
 * integration-spec.json in Monaco, with the spec's JSON Schema for validation and completion.
 * Edits that parse replace the spec (the canvas follows); canvas edits rewrite the text.
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
  const fromEditor = useRef<StudioSpec | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);

  // Canvas → text: only when the spec did not just come from this editor (keeps the cursor still).
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || spec === fromEditor.current) return;
    const text = specText(spec);
    const model = editor.getModel();
    if (model && model.getValue() !== text) {
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    }
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
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            try {
              const parsed = JSON.parse(text ?? '') as unknown;
              if (
                !parsed ||
                typeof parsed !== 'object' ||
                !Array.isArray((parsed as { flows?: unknown }).flows)
              )
                throw new Error('the spec needs a "flows" array');
              setParseError(null);
              fromEditor.current = parsed as StudioSpec;
              onSpec(parsed as StudioSpec);
            } catch (e) {
              setParseError((e as Error).message);
            }
          }, 400);
        }}
      />
    </div>
  );
}
