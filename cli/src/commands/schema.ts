/** `kongo schema`: prints the JSON Schema of integration-spec.json, for editors that want a file. */
import { integrationSpecSchema } from '@kongo/runtime/spec';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of integration-spec.json')
    .action(() => {
      process.stdout.write(`${JSON.stringify(integrationSpecSchema, null, 2)}\n`);
    });
}
