// The PIN pad's state: digits in, one at a time, with a length limit.

export class PinEntry {
  private digits = '';

  constructor(readonly maxLength = 8) {}

  get value(): string {
    return this.digits;
  }

  /** What the pad shows: one dot per digit, never the digits. */
  get masked(): string {
    return '•'.repeat(this.digits.length);
  }

  press(key: string): void {
    if (/^[0-9]$/.test(key) && this.digits.length < this.maxLength) this.digits += key;
  }

  backspace(): void {
    this.digits = this.digits.slice(0, -1);
  }

  clear(): void {
    this.digits = '';
  }

  /** Whether there is enough to submit (4 digits at least). */
  get ready(): boolean {
    return this.digits.length >= 4;
  }
}
