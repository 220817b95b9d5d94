// Tiles that patch themselves: a tap changes whether one member is in, so the screen changes that
// one tile, and nothing else runs again. The lists read from the core (the grid of up to 20,000,
// a search's results) stay as read; the taps since each read are laid over them, one entry per
// member. Rebuilding a 10,000-tile array on every tap re-ran all that hangs on it (the rows, the
// A-Z bar's folding of every name) before the card could show: 20-25 ms a tap in the app's
// window (BENCHMARKS.md, 2026-11-30).
import { SvelteMap } from 'svelte/reactivity';
import type { TapOutcome, Tile } from './types';

export type InSince = Pick<Tile, 'in_since' | 'in_since_local'>;

/** What a tap that ended as `outcome` leaves the member's tile showing: in since then after a
 * check-in, out after a check-out, what stood before after an undo; null when it changes nothing
 * (a refusal, a tap ignored). */
export function inSinceAfter(outcome: TapOutcome): InSince | null {
  switch (outcome.kind) {
    case 'welcome':
      return { in_since: outcome.at, in_since_local: outcome.at_local };
    case 'goodbye':
      return { in_since: null, in_since_local: null };
    case 'undone':
      return { in_since: outcome.in_since, in_since_local: outcome.in_since_local };
    default:
      return null;
  }
}

/** The taps this screen has heard of, laid over the lists it read. Each tap is numbered; a read
 * notes the number when it starts, and only later taps are laid over what it answered (an earlier
 * one is in the answer already, or was overtaken by a change the tap did not make). */
export class Presence {
  private count = 0;

  /** Keyed by member: at most one entry each, so it never outgrows the member list. Reactive per
   * member (a `SvelteMap`): a tap draws its own tile again, and no other. */
  constructor(private readonly taps: Map<number, { seq: number; inSince: InSince }> = new SvelteMap()) {}

  /** A read is starting: what it answers is laid under the taps heard from now on. */
  mark(): number {
    return this.count;
  }

  /** A tap was made, here or on another face. */
  tapped(memberId: number, outcome: TapOutcome) {
    const inSince = inSinceAfter(outcome);
    if (inSince) this.taps.set(memberId, { seq: ++this.count, inSince });
  }

  /** The tile as it stands now: as read at `readAt`, or as a later tap left it. */
  of(tile: Tile, readAt: number): Tile {
    const tap = this.taps.get(tile.member_id);
    return tap && tap.seq > readAt ? { ...tile, ...tap.inSince } : tile;
  }
}
