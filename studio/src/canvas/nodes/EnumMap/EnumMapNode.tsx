/** enumMap: an input field's options translated to the target's; the full editor opens in the side panel. */
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { describeValue } from '../../../model/index.ts';
import { useCanvasActions } from '../../canvas-context.ts';
import type { FormulaNodeData } from '../../graph.ts';
import { FormulaShell, InputRow } from '../FormulaShell.tsx';
import { enumCoverage } from './coverage.ts';

function EnumMapNodeView({ data }: NodeProps) {
  const { value, location, problems, targetName, inputField } = data as FormulaNodeData;
  const { openEnumEditor } = useCanvasActions();
  if (!('enumMap' in value)) return null;
  const coverage = enumCoverage(value, inputField);
  const entries = Object.keys(value.enumMap.map).length;
  return (
    <FormulaShell kind="enumMap" location={location} problems={problems} targetName={targetName}>
      <InputRow handle="in:input" empty={!value.enumMap.input}>
        {value.enumMap.input ? (
          <span className="chip">{describeValue(value.enumMap.input)}</span>
        ) : (
          <span className="hint">drop the input field</span>
        )}
      </InputRow>
      <div className="enum-summary">
        <span data-testid="enum-coverage">
          {coverage
            ? `${coverage.mapped} of ${coverage.total} options mapped`
            : `${entries} entr${entries === 1 ? 'y' : 'ies'}`}
        </span>
        <button type="button" className="small nodrag" onClick={() => openEnumEditor(location)}>
          Edit map…
        </button>
      </div>
      <InputRow handle="in:otherwise" empty={!value.enumMap.otherwise}>
        <span className="hint">
          otherwise: {value.enumMap.otherwise ? describeValue(value.enumMap.otherwise) : '— (error)'}
        </span>
      </InputRow>
    </FormulaShell>
  );
}

export const EnumMapNode = memo(EnumMapNodeView);
