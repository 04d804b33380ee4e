import { runNcStoreContract } from './contract.ts';
import { MemoryNcStore } from './memory.ts';

runNcStoreContract('memory', async () => new MemoryNcStore());
