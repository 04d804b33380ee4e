/**
 * Named crash points at every step boundary. `KONGO_CRASH_AT=after-intent` makes the process
 * SIGKILL itself the first time it reaches that point — no cleanup, no flush, like a Lambda timeout
 * or a power cut — so the crash tests can prove each boundary safe (test/runtime/crash.test.ts).
 */

export const CRASH_POINTS = [
  'after-enqueue',
  'after-dedupe',
  'after-hydrate',
  'after-identity',
  'after-intent',
  'after-outbound',
  'after-commit',
  'before-ack',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (point: CrashPoint) => void;

export const noCrash: CrashHook = () => {};

/** The hook the environment asks for: SIGKILL at `KONGO_CRASH_AT`, otherwise nothing. */
export function crashHookFromEnv(env: Record<string, string | undefined> = process.env): CrashHook {
  const wanted = env.KONGO_CRASH_AT;
  if (!wanted) return noCrash;
  if (!(CRASH_POINTS as readonly string[]).includes(wanted)) {
    throw new TypeError(
      `KONGO_CRASH_AT=${wanted} is not a crash point; use one of ${CRASH_POINTS.join(', ')}`,
    );
  }
  return (point) => {
    if (point === wanted) process.kill(process.pid, 'SIGKILL');
  };
}
