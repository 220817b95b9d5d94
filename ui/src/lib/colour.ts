// A tile's colour, derived from the member so it is stable, with white text at WCAG AA contrast.

/** Clear, saturated colours that each carry white initials at 4.5:1 or more (the unit test
 * checks every one): a dark HSL for every hue made yellows and greens muddy olive. */
export const TILE_COLOURS = [
  '#1a56c4', // blue
  '#00756a', // teal
  '#2a7a2e', // green
  '#7b3fb0', // purple
  '#b5265b', // raspberry
  '#b33c00', // burnt orange
  '#4f46c8', // indigo
  '#00739e', // ocean
  '#a8326e', // magenta
  '#c0392b', // red
  '#5c6b00', // moss
  '#8a4b00', // amber
] as const;

/** A member's colour: always the same for them. */
export function tileColour(memberId: number): string {
  return TILE_COLOURS[Math.abs(Math.trunc(memberId)) % TILE_COLOURS.length]!;
}

/** "#rrggbb" as 0-255 channels. */
export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The relative luminance of an sRGB colour given as 0-255 channels. */
export function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
