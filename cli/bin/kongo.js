#!/usr/bin/env node
// The `kongo` command. The CLI runs straight from its TypeScript sources (there is no build step):
// register tsx's ESM loader, then load the entry point.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
