// The PIN pad's state: digits in, one at a time, with a length limit.

/** The longest PIN the core takes (a staff PIN is 4 to 12 digits: crates/kiosk/src/staff_pin.rs). */
export const PIN_MAX_LENGTH = 12;

export class PinEntry {
  private digits = '';

  constructor(readonly maxLength = PIN_MAX_LENGTH) {}

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
