import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateFile, StateFileError } from './state-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'kongo-state-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function counterFile(name: string, delayMs = 20) {
  const state = { count: 0, snapshots: 0 };
  const file = new StateFile({
    file: join(dir, name),
    label: 'test simulator',
    format: 'kongo-test-state',
    version: 1,
    delayMs,
    snapshot: () => {
      state.snapshots += 1;
      return { count: state.count };
    },
  });
  return { state, file };
}

const saved = (name: string): { count: number } =>
  JSON.parse(readFileSync(join(dir, name), 'utf8')) as { count: number };

describe('StateFile', () => {
  it('collects changes into one debounced save and leaves no temp file behind', async () => {
    const { state, file } = counterFile('debounced.json');
    expect(file.read()).toBeUndefined();
    for (let i = 0; i < 50; i++) {
      state.count += 1;
      file.markDirty();
    }
    await new Promise((r) => setTimeout(r, 150));
    expect(state.snapshots).toBe(1);
    expect(saved('debounced.json')).toMatchObject({ format: 'kongo-test-state', version: 1, count: 50 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(file.read()).toMatchObject({ count: 50 });
  });

  it('saves a change made while a save is running, and close() saves what is pending', async () => {
    const { state, file } = counterFile('pending.json', 10_000);
    state.count = 1;
    file.markDirty();
    const flushing = file.flush();
    state.count = 2;
    file.markDirty();
    await flushing;
    await file.close();
    expect(saved('pending.json').count).toBe(2);
  });

  it('reports a save that cannot be written from close() with the file named', async () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const file = new StateFile({
      file: join(dir, 'not-a-folder', 'state.json'),
      label: 'test simulator',
      format: 'kongo-test-state',
      version: 1,
      snapshot: () => ({}),
    });
    file.markDirty();
    await expect(file.close()).rejects.toThrow(/Could not save the test simulator state to .*not-a-folder/);
  });

  it('refuses a file of another version', () => {
    writeFileSync(join(dir, 'v2.json'), JSON.stringify({ format: 'kongo-test-state', version: 2 }));
    const { file } = counterFile('v2.json');
    expect(() => file.read()).toThrow(StateFileError);
    expect(() => file.read()).toThrow(/v2\.json is corrupt: its version 2 is not the supported 1/);
  });
});
