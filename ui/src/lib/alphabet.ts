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
