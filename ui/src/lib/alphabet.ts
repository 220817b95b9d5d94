// The A-Z jump bar: where each letter's members start in the name-ordered grid.

// Letters that carry no combining mark to strip, folded as the core's search folds them.
const SPECIAL: Record<string, string> = { Ł: 'L', Ø: 'O', Đ: 'D', Æ: 'A', Œ: 'O', ß: 'S', İ: 'I', Þ: 'T' };

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[ŁØĐÆŒßİÞ]/g, (c) => SPECIAL[c] ?? c);
}

/** Letter -> index of the first tile whose name starts with it (folded: É counts as E). */
export function letterIndex(names: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    const first = fold(name.trim()).charAt(0);
    const letter = /[A-Z]/.test(first) ? first : '#';
    if (!index.has(letter)) index.set(letter, i);
  });
  return index;
}

/** One button of the A-Z bar: a letter, or a run of letters when not all fit ("A–C"). */
export interface JumpButton {
  label: string;
  /** The letters it stands for, for its accessible name. */
  letters: string[];
  /** The index of the first tile of its first letter. */
  index: number;
}

/**
 * The A-Z bar's buttons for `fits` places: a button a letter when they all fit, else runs of
 * neighbouring letters as even as can be, each jumping to its first letter's tiles.
 */
export function jumpButtons(entries: readonly (readonly [string, number])[], fits: number): JumpButton[] {
  const places = Math.max(1, Math.floor(fits));
  if (entries.length <= places) return entries.map(([l, index]) => ({ label: l, letters: [l], index }));
  const buttons: JumpButton[] = [];
  for (let b = 0; b < places; b++) {
    const from = Math.floor((b * entries.length) / places);
    const to = Math.floor(((b + 1) * entries.length) / places);
    const run = entries.slice(from, to);
    if (run.length === 0) continue;
    const letters = run.map(([l]) => l);
    const label = letters.length === 1 ? letters[0]! : `${letters[0]}–${letters[letters.length - 1]}`;
    buttons.push({ label, letters, index: run[0]![1] });
  }
  return buttons;
}
