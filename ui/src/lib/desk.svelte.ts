// What every view of the staff desk is given by StaffDesk.svelte.
import type { KioskApi } from './api';
import type { Key } from './i18n';

export type DeskViewProps = {
  api: KioskApi;
  /** The staff session every staff call carries. */
  session: string;
  t: (key: Key, vars?: Record<string, string | number>) => string;
  /** Runs a staff call: an ended session closes the desk, another error shows; undefined then. */
  staffCall: <T>(call: () => Promise<T>) => Promise<T | undefined>;
  /** A staff action done: its words for the desk's message line (and the view reads again). */
  done: (words: string) => void;
  /** Bumped when the kiosk says something changed: the view reads again. */
  changed: number;
};

/**
 * Reads a view's data when the view opens and again each time `changed` moves, keeping what it
 * had when a read answers nothing (a staff call that failed has said why, or closed the desk).
 * Call from a view's script, with `read` going through `staffCall`.
 */
export function follow<T>(changed: () => number, read: () => Promise<T | undefined>, keep: (value: T) => void) {
  $effect(() => {
    void changed();
    void read().then((value) => {
      if (value !== undefined) keep(value);
    });
  });
}
