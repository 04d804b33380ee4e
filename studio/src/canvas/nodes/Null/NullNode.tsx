/** null: no inputs; writes "no value" (HubSpot receives "" to clear). */
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FormulaNodeData } from '../../graph.ts';
import { FormulaShell } from '../FormulaShell.tsx';

function NullNodeView({ data }: NodeProps) {
  const { location, problems, targetName } = data as FormulaNodeData;
  return (
    <FormulaShell kind="null" location={location} problems={problems} targetName={targetName}>
      <div className="hint">no value (clears the target)</div>
    </FormulaShell>
  );
}

export const NullNode = memo(NullNodeView);
