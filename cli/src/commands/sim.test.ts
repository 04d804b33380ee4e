import { describe, expect, it } from 'vitest';
import { SIMULATORS, startSimulator } from './sim.ts';

describe('kongo sim', () => {
  it.each(Object.keys(SIMULATORS))(
    'starts the %s simulator on 127.0.0.1 and describes itself at GET /',
    async (name) => {
      const simulator = await startSimulator(name, { port: 0 });
      try {
        expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const index = await fetch(`${simulator.url}/`);
        expect(index.status).toBe(200);
        expect(await index.text()).toMatch(/simulator/i);
      } finally {
        await simulator.close();
      }
    },
  );

  it('refuses an unknown simulator by name, listing the known ones', async () => {
    await expect(startSimulator('salesforce', {})).rejects.toThrow(
      /unknown simulator "salesforce"; choose hubspot, /,
    );
  });
});
