/** Escape closes a dialog, whatever else listens to the key. */
import { useEffect, useRef } from 'react';

/**
 * Calls `onEscape` on Escape. The listener is registered once and reads the latest callback from a
 * ref: re-registering it on each render (a new `onClose` arrow) lost the key, because the studio's
 * own Escape handler (clear the selection) re-renders the app synchronously while the key event is
 * being dispatched, removing this listener before its turn.
 */
export function useEscape(onEscape: () => void): void {
  const latest = useRef(onEscape);
  latest.current = onEscape;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
