// A tile's colour, derived from the member so it is stable, with white text at WCAG AA contrast.

/** An HSL colour dark enough for white text whatever the hue (lightness 22-28% keeps even
 * yellows above 4.5:1); the golden-angle hue spreads neighbours apart. */
export function tileColour(memberId: number): string {
  const hue = Math.abs((memberId * 137.508) % 360);
  const lightness = 22 + Math.abs(memberId % 7);
  return `hsl(${hue.toFixed(0)} 50% ${lightness}%)`;
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

export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  s /= 100;
  l /= 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}
