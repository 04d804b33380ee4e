import { integrationSpecSchema } from '@kongo/runtime/spec';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './schema.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kongo schema', () => {
  it('prints the spec schema as JSON', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const program = new Command('kongo').exitOverride();
    register(program);
    await program.parseAsync(['node', 'kongo', 'schema']);
    expect(JSON.parse(written.join(''))).toEqual(integrationSpecSchema);
  });
});
