/** concat: ordered parts (fields, formulas, text); drop on "append" to add one at the end. */
import type { NodeProps } from '@xyflow/react';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { describeValue } from '../../../model/index.ts';
import { useCanvasActions } from '../../canvas-context.ts';
import type { FormulaNodeData } from '../../graph.ts';
import { FormulaShell, InputRow } from '../FormulaShell.tsx';

function LiteralInput(props: {
  value: string;
  onCommit: (text: string) => void;
  index: number;
  /** Just added with "+ text": take the focus so the consultant can type at once. */
  focus: boolean;
  onFocused: () => void;
}) {
  const [text, setText] = useState(props.value);
  const input = useRef<HTMLInputElement>(null);
  const { focus, onFocused } = props;
  useEffect(() => {
    if (!focus || !input.current) return;
    input.current.focus();
    input.current.select();
    onFocused();
  }, [focus, onFocused]);
  return (
    <input
      ref={input}
      className="nodrag literal-input"
      aria-label={`Text part ${props.index + 1}`}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== props.value && props.onCommit(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
      }}
    />
  );
}

function ConcatNodeView({ data }: NodeProps) {
  const { value, location, problems, targetName } = data as FormulaNodeData;
  const { dispatch } = useCanvasActions();
  const parts = 'concat' in value ? value.concat : [];
  const [focusPart, setFocusPart] = useState<number | null>(null);
  const focused = useCallback(() => setFocusPart(null), []);
  return (
    <FormulaShell kind="concat" location={location} problems={problems} targetName={targetName}>
      {parts.map((part, i) => {
        const partLocation = { ...location, path: [...location.path, 'concat', i] };
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional; the index is their identity
          <InputRow key={i} handle={`in:${i}`} testId={`concat-part-${i}`}>
            {'literal' in part ? (
              <LiteralInput
                key={String(part.literal)}
                index={i}
                value={String(part.literal)}
                focus={focusPart === i}
                onFocused={focused}
                onCommit={(text) => dispatch({ type: 'set-literal', location: partLocation, value: text })}
              />
            ) : (
              <span className="chip">{describeValue(part)}</span>
            )}
            <span className="part-actions nodrag">
              <button
                type="button"
                className="icon"
                aria-label="Move up"
                disabled={i === 0}
                onClick={() => dispatch({ type: 'move-part', location, from: i, to: i - 1 })}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon"
                aria-label="Move down"
                disabled={i === parts.length - 1}
                onClick={() => dispatch({ type: 'move-part', location, from: i, to: i + 1 })}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon"
                aria-label="Remove part"
                onClick={() => dispatch({ type: 'delete-node', location: partLocation })}
              >
                ×
              </button>
            </span>
          </InputRow>
        );
      })}
      <InputRow handle="in:append" empty testId="concat-append">
        <span className="hint">drop to append</span>
        <button
          type="button"
          className="small nodrag"
          onClick={() => {
            setFocusPart(parts.length);
            dispatch({ type: 'add-literal', location, value: ' ' });
          }}
        >
          + text
        </button>
      </InputRow>
    </FormulaShell>
  );
}

export const ConcatNode = memo(ConcatNodeView);
