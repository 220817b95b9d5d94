// The A-Z jump bar: where each letter's members start in the name-ordered grid.

export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
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
