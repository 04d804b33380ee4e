/** Where a JSON pointer sits in the spec text (1-based line/column), for "go to problem" in the editor. */
import { type AnyNode, type ElementNode, type MemberNode, parse } from '@humanwhocodes/momoa';

export function locatePointer(text: string, pointer: string): { line: number; column: number } | null {
  let node: AnyNode;
  try {
    node = parse(text).body;
  } catch {
    return null;
  }
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let found: { line: number; column: number } = node.loc.start;
  for (const segment of segments) {
    if (node.type === 'Object') {
      const member: MemberNode | undefined = node.members.find(
        (m) => m.name.type === 'String' && m.name.value === segment,
      );
      if (!member) break;
      found = member.name.loc.start;
      node = member.value;
    } else if (node.type === 'Array') {
      const element: ElementNode | undefined = node.elements[Number(segment)];
      if (!element) break;
      node = element.value;
      found = node.loc.start;
    } else break;
  }
  return found;
}
