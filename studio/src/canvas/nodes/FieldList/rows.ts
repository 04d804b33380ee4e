/** The field list's rows: grouped, filtered and flattened for virtual scrolling. */
import type { FieldDef } from '../../../model/index.ts';

export type Row =
  | { kind: 'group'; group: string; count: number; collapsed: boolean }
  | { kind: 'field'; field: FieldDef };

export const ROW_HEIGHT = 30;

/** Groups sorted by name, fields by label; a query matches name, label or group (case-insensitive). */
export function buildRows(fields: readonly FieldDef[], query: string, collapsed: ReadonlySet<string>): Row[] {
  const q = query.trim().toLowerCase();
  const groups = new Map<string, FieldDef[]>();
  for (const field of fields) {
    if (q && !field.name.toLowerCase().includes(q) && !field.label.toLowerCase().includes(q)) continue;
    groups.set(field.group, [...(groups.get(field.group) ?? []), field]);
  }
  const rows: Row[] = [];
  for (const group of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const members = groups.get(group) ?? [];
    const isCollapsed = collapsed.has(group) && !q;
    rows.push({ kind: 'group', group, count: members.length, collapsed: isCollapsed });
    if (isCollapsed) continue;
    members.sort((a, b) => a.label.localeCompare(b.label));
    for (const field of members) rows.push({ kind: 'field', field });
  }
  return rows;
}
