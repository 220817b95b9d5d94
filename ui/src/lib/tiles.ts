// Tiles that patch themselves: a tap changes one member's tile, so the screen changes that tile
// from the event instead of reading the whole grid again.
import type { TapOutcome, Tile } from './types';

/**
 * `tiles` after `memberId`'s tap ended as `outcome`: a check-in marks the tile in since then, a
 * check-out clears it, an undo puts back what stood before the undone tap, anything else changes
 * nothing. The same array when nothing changed.
 */
export function patchTiles(tiles: Tile[], memberId: number, outcome: TapOutcome): Tile[] {
  let change: Pick<Tile, 'in_since' | 'in_since_local'>;
  if (outcome.kind === 'welcome') change = { in_since: outcome.at, in_since_local: outcome.at_local };
  else if (outcome.kind === 'goodbye') change = { in_since: null, in_since_local: null };
  else if (outcome.kind === 'undone') change = { in_since: outcome.in_since, in_since_local: outcome.in_since_local };
  else return tiles;
  const at = tiles.findIndex((t) => t.member_id === memberId);
  if (at < 0) return tiles;
  const next = tiles.slice();
  next[at] = { ...tiles[at]!, ...change };
  return next;
}
