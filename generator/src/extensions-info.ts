/** Reads a hand-written extension module for the review summary: which hooks it defines, how long it is. */
import { Node, Project } from 'ts-morph';

export function extensionHooks(path: string, text: string): { path: string; hooks: string[]; lines: number } {
  const project = new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true });
  const file = project.createSourceFile('/extensions.ts', text);
  const initializer = file.getVariableDeclaration('hooks')?.getInitializer();
  const hooks =
    initializer && Node.isObjectLiteralExpression(initializer)
      ? initializer
          .getProperties()
          .map((property) =>
            Node.isPropertyAssignment(property) ||
            Node.isMethodDeclaration(property) ||
            Node.isShorthandPropertyAssignment(property)
              ? property.getName()
              : property.getText(),
          )
      : [];
  return { path, hooks, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
}
