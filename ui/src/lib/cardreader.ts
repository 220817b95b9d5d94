// A keyboard-wedge card reader types the card number fast and presses Enter, wherever the focus
// is. People type slowly. Telling them apart by speed lets a swipe work on any screen.

export class CardReader {
  private buffer = '';
  private lastAt = -Infinity;

  constructor(
    private readonly onCard: (card: string) => void,
    /** The longest gap between a reader's keystrokes. */
    private readonly maxGapMs = 50,
    private readonly minLength = 4,
  ) {}

  /** Feed every key press; answers true when it completed a card (the caller swallows it). */
  key(key: string, at: number): boolean {
    const gap = at - this.lastAt;
    this.lastAt = at;
    if (key === 'Enter') {
      const card = this.buffer;
      this.buffer = '';
      if (card.length >= this.minLength && gap <= this.maxGapMs) {
        this.onCard(card);
        return true;
      }
      return false;
    }
    if (/^[0-9A-Za-z]$/.test(key)) {
      this.buffer = gap <= this.maxGapMs ? this.buffer + key : key;
    } else {
      this.buffer = '';
    }
    return false;
  }
}
