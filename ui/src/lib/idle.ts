// Back to the grid after a quiet spell, so no member's data stays on screen.

export class IdleTimer {
  private last: number;
  private fired = false;

  constructor(
    private timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.last = now();
  }

  /** Someone touched the screen or typed. */
  activity(): void {
    this.last = this.now();
    this.fired = false;
  }

  setTimeout(ms: number): void {
    this.timeoutMs = ms;
  }

  /** Call periodically; fires once per quiet spell. */
  tick(): void {
    if (!this.fired && this.now() - this.last >= this.timeoutMs) {
      this.fired = true;
      this.onIdle();
    }
  }
}
