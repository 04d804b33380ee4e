/** "12 of 14 options mapped": how much of the input field's option list an enumMap covers. */
import type { EditValue, FieldDef } from '../../../model/index.ts';

export function enumCoverage(
  value: EditValue,
  inputField: FieldDef | undefined,
): { mapped: number; total: number } | null {
  if (!('enumMap' in value) || !inputField?.options) return null;
  const map = value.enumMap.map;
  return {
    mapped: inputField.options.filter((o) => o.value in map).length,
    total: inputField.options.length,
  };
}
