// Work that can wait for a quiet screen. Reading the grid again (10,000 tiles, when the member
// cache changed in the background) holds the page for tens of milliseconds: done while a member
// taps, it delays the card they wait for. So it runs once the screen has been left alone a
// moment, and once for a burst of changes.

export class WhenQuiet {
  private lastTouch = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: () => void,
    /** How long the screen must have been left alone. */
    private readonly quietMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Someone touched the screen, typed or tapped: what waits, waits longer. */
  touch(): void {
    this.lastTouch = this.now();
  }

  /** Asks for the work: it runs when the screen is quiet, once however often it was asked. */
  request(): void {
    if (this.timer === undefined) this.schedule();
  }

  private schedule(): void {
    const wait = Math.max(0, this.lastTouch + this.quietMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.now() - this.lastTouch < this.quietMs) this.schedule();
      else this.run();
    }, wait);
  }
}
