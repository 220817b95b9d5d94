// A staff panel section's data (tablets, scrape tokens, other kiosks): read when the section is
// shown and after each action, a failure handed to the panel's `onError`. One definition for
// every section that reads one staff call.

export interface StaffRead<T> {
  /** The last answer; null until the first. */
  readonly value: T | null;
  /** Reads again. */
  reload(): Promise<void>;
  /** Runs `action`, then reads again. */
  after(action: () => Promise<unknown>): Promise<void>;
}

export function staffRead<T>(read: () => Promise<T>, onError: (e: unknown) => void): StaffRead<T> {
  let value = $state<T | null>(null);
  async function reload() {
    try {
      value = await read();
    } catch (e) {
      onError(e);
    }
  }
  async function after(action: () => Promise<unknown>) {
    try {
      await action();
    } catch (e) {
      onError(e);
      return;
    }
    await reload();
  }
  $effect(() => {
    void reload();
  });
  return {
    get value() {
      return value;
    },
    reload,
    after,
  };
}
