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
