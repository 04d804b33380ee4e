/** lowercase and stripSpaces: one input, text out. */
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { describeValue } from '../../../model/index.ts';
import type { FormulaNodeData } from '../../graph.ts';
import { FormulaShell, InputRow } from '../FormulaShell.tsx';

function TextFormulaNodeView({ data }: NodeProps) {
  const { value, location, problems, targetName } = data as FormulaNodeData;
  const kind = 'lowercase' in value ? 'lowercase' : 'stripSpaces';
  const args = 'lowercase' in value ? value.lowercase : 'stripSpaces' in value ? value.stripSpaces : [];
  const arg = args[0];
  return (
    <FormulaShell kind={kind} location={location} problems={problems} targetName={targetName}>
      <InputRow handle="in:0" empty={!arg}>
        {arg ? (
          <span className="chip">{describeValue(arg)}</span>
        ) : (
          <span className="hint">drop a field or formula</span>
        )}
      </InputRow>
    </FormulaShell>
  );
}

export const TextFormulaNode = memo(TextFormulaNodeView);
