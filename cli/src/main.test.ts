import { describe, expect, it } from 'vitest';
import { buildProgram, commandFiles } from './main.ts';

describe('the kongo program', () => {
  it('registers one command per file in commands/, ignoring tests', () => {
    expect(commandFiles()).toContain('validate.ts');
    expect(commandFiles()).toContain('sim.ts');
    expect(commandFiles().some((file) => file.endsWith('.test.ts'))).toBe(false);
  });

  it('has the validate and sim commands', async () => {
    const program = await buildProgram();
    const names = program.commands.map((command) => command.name());
    expect(names).toEqual(expect.arrayContaining(['validate', 'sim']));
  });
});
