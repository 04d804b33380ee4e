/** `kongo connectors`: the destination connector catalog — name, API style, auth, webhook scheme, what it was verified against. */
import { listConnectors } from '@kongo/connectors';
import type { Command } from 'commander';

/** The catalog as lines (or JSON); returns the exit code. */
export function printConnectors(
  options: { json?: boolean },
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): number {
  const list = listConnectors();
  if (options.json) {
    out(JSON.stringify(list, null, 2));
    return 0;
  }
  for (const c of list) {
    out(`${c.id}  ${c.name}`);
    out(`  api: ${c.api} (${c.objectType})   auth: ${c.auth}`);
    out(`  webhooks: ${c.webhooks}${c.pollable ? '   polling: yes' : '   polling: no'}`);
    out(`  verified against: ${c.verifiedAgainst}`);
    if (c.connection.length > 0)
      out(
        `  connection: ${c.connection.map((s) => `${s.name}${s.required ? '' : '?'} (${s.type})`).join(', ')}`,
      );
    if (c.credentials.length > 0)
      out(
        `  credentials: ${c.credentials.map((s) => `${s.name}${s.rotates ? ' (rotates)' : ''}`).join(', ')}`,
      );
  }
  out(`${list.length} connectors; details: docs/CONNECTORS.md`);
  return 0;
}

export function register(program: Command): void {
  program
    .command('connectors')
    .description(
      'list the destination connector catalog (name, API style, auth, webhook scheme, verified against)',
    )
    .option('--json', 'print the listing as JSON (the studio reads the same listing)')
    .action((options: { json?: boolean }) => {
      process.exitCode = printConnectors(options);
    });
}
