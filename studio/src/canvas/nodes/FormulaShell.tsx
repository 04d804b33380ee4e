/** The frame every formula node shares: a title to drag by, delete, problems badge, and the output handle. */
import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import type { FormulaName, NodeLocation } from '../../model/index.ts';
import { useCanvasActions } from '../canvas-context.ts';

const HINTS: Record<FormulaName, string> = {
  null: 'no value: clears the target',
  lowercase: 'lowercases text',
  stripSpaces: 'removes all whitespace',
  concat: 'joins parts in order',
  enumMap: 'translates option values',
};

export function FormulaShell(props: {
  kind: FormulaName;
  location: NodeLocation;
  problems: number;
  targetName?: string | undefined;
  children?: ReactNode;
}) {
  const { dispatch } = useCanvasActions();
  const { kind, location, problems, targetName } = props;
  return (
    <div
      className={`formula formula-${kind}${problems > 0 ? ' has-problems' : ''}`}
      data-testid={`formula-${kind}`}
    >
      <div className="formula-title" title={HINTS[kind]}>
        <span className="formula-kind">{kind}</span>
        {location.owner.kind === 'draft' ? <span className="draft-tag">not connected</span> : null}
        {targetName && location.path.length === 0 ? (
          <span className="muted small">→ {targetName}</span>
        ) : null}
        {problems > 0 ? (
          <span className="problem-badge" title={`${problems} problem(s)`}>
            {problems}
          </span>
        ) : null}
        <button
          type="button"
          className="icon nodrag"
          aria-label={`Delete ${kind}`}
          title="Delete this formula"
          onClick={() => dispatch({ type: 'delete-node', location })}
        >
          ×
        </button>
      </div>
      <div className="formula-body">{props.children}</div>
      <Handle type="source" position={Position.Right} id="out" className="formula-out" />
    </div>
  );
}

/** One input row: a target handle on the left, and what is wired into it (or a hint to drop something). */
export function InputRow(props: { handle: string; children: ReactNode; empty?: boolean; testId?: string }) {
  return (
    <div className={`input-row${props.empty ? ' empty' : ''}`} data-testid={props.testId}>
      <Handle type="target" position={Position.Left} id={props.handle} className="formula-in" />
      {props.children}
    </div>
  );
}
