// Resident memory of another process, for the benchmarks that watch dynalite's (Linux /proc).
import { readFileSync } from 'node:fs';

/** Resident (VmRSS) and peak resident (VmHWM) memory of a process, MB. Throws when the process is gone. */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
