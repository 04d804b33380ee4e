/** React Flow node types, defined once at module scope so React Flow never sees a new object. */
import type { NodeTypes } from '@xyflow/react';
import { ConcatNode } from './nodes/Concat/ConcatNode.tsx';
import { EnumMapNode } from './nodes/EnumMap/EnumMapNode.tsx';
import { FieldListNode } from './nodes/FieldList/FieldListNode.tsx';
import { NullNode } from './nodes/Null/NullNode.tsx';
import { TextFormulaNode } from './nodes/TextFormula/TextFormulaNode.tsx';

export const nodeTypes: NodeTypes = {
  fieldList: FieldListNode,
  null: NullNode,
  lowercase: TextFormulaNode,
  stripSpaces: TextFormulaNode,
  concat: ConcatNode,
  enumMap: EnumMapNode,
};
