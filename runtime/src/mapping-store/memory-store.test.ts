import { MemoryMappingStore } from './memory-store.ts';
import { mappingStoreContract } from './store.contract.ts';

mappingStoreContract('MemoryMappingStore', async () => {
  let now = 1_000;
  const store = new MemoryMappingStore({ clock: { now: () => now } });
  return {
    store,
    advance: (ms) => {
      now += ms;
    },
  };
});
