/**
 * One `npm start` per checkout: a lock file under .kongo/ holds the running process's pid and
 * URLs, so a second start says what is already running instead of failing on a busy port.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LockInfo {
  pid: number;
  startedAt: string;
  urls: Record<string, string>;
}

export type LockResult =
  | { ok: true; release: () => void; update: (urls: Record<string, string>) => void }
  | { ok: false; holder: LockInfo };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(file: string): LockResult {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), urls: {} };
    try {
      writeFileSync(file, JSON.stringify(info, null, 2), { flag: 'wx' });
      const release = () => {
        try {
          const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (current.pid === process.pid) rmSync(file, { force: true });
        } catch {
          // Already gone: nothing to release.
        }
      };
      const update = (urls: Record<string, string>) =>
        writeFileSync(file, JSON.stringify({ ...info, urls }, null, 2));
      return { ok: true, release, update };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      if (holder && alive(holder.pid) && holder.pid !== process.pid) return { ok: false, holder };
      // A stale lock from a process that died without cleaning up: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
