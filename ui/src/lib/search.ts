/** In "search only" privacy the core finds no one for fewer letters than this (the kiosk's
 * `search`, crates/kiosk/src/services/members.rs), so that a passer-by cannot list members. */
export const SEARCH_ONLY_MIN_LETTERS = 3;

/** The letters and digits of a query, accents set aside, as the core counts them. */
export function lettersIn(query: string): number {
  return [...query.normalize('NFKD')].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

/** The most results the screen shows; it asks for one more, to know when more match. */
export const SEARCH_SHOWN = 50;

/** What the screen says under the search box: type more letters (search only), more match
 * than it shows (type more of the name), no one matches, or nothing. */
export type SearchNotice = 'searchMore' | 'searchNarrow' | 'noMatch' | null;

/** `found`: how many the search found (asked for `SEARCH_SHOWN + 1`), or null when no search
 * ran. */
export function searchNotice(searchOnly: boolean, query: string, found: number | null): SearchNotice {
  if (searchOnly && lettersIn(query) < SEARCH_ONLY_MIN_LETTERS) return 'searchMore';
  if (found === 0) return 'noMatch';
  if (found !== null && found > SEARCH_SHOWN) return 'searchNarrow';
  return null;
}
