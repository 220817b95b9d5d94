// One rule for every time of day on the member screen (the bar's clock, the result card, the
// tiles): the screen's language writes it, at the kiosk's location. "5:49 PM" in English,
// "17:49" in Spanish and Portuguese; never a 12-hour bar above a 24-hour card.

/** Made once per language and zone: a formatter costs far more to make than to use, and a
 * grid asks for one time per tile that is in. */
const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: string, zone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale} ${zone ?? ''}`;
  let made = formats.get(key);
  if (!made) {
    const options: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
    try {
      made = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    } catch {
      // Not a zone this engine knows: the device's own.
      made = new Intl.DateTimeFormat(locale, options);
    }
    formats.set(key, made);
  }
  return made;
}

/** `at` as a time of day in `zone` (the location's IANA zone; the device's where unknown or
 * not a zone this engine knows), written the way `locale` writes it. */
export function timeOfDay(at: Date | string, zone: string | undefined, locale: string): string {
  return format(locale, zone).format(typeof at === 'string' ? new Date(at) : at);
}

/** A moment staff read in a list ("03/12/2026, 09:40"), in the device's own way; a dash for
 * never. */
export function shortDateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }) : '—';
}
