// Members' photos on the screen, where the operator switched them on: asked of the kiosk only
// for the tiles drawn (the kiosk fetches a few a minute from the photo host and keeps them on
// its disk), as `data:` addresses, so a tablet never contacts the photo host.
import type { KioskApi } from './api';

/** A member with no photo yet is asked again after this (the kiosk may have fetched it). */
const RETRY_MS = 60_000;
/** A photo shown is asked again after this: the kiosk answers from its disk, and fetches anew
 * only where the member's record changed (a new picture). */
const STALE_MS = 10 * 60_000;

export class Photos {
  #known = new Map<number, { url: string | null; at: number }>();
  #asking = new Set<number>();
  /** Bumped when a photo arrives, so the tiles that show it redraw. */
  arrived = $state(0);
  #api: KioskApi;

  constructor(api: KioskApi) {
    this.#api = api;
  }

  /** The member's photo as known now (`null`: initials), asking the kiosk where it is time to. */
  url(member: number): string | null {
    void this.arrived;
    const known = this.#known.get(member);
    const age = known ? Date.now() - known.at : Infinity;
    if (age > (known?.url ? STALE_MS : RETRY_MS) && !this.#asking.has(member)) void this.#ask(member);
    return known?.url ?? null;
  }

  async #ask(member: number) {
    this.#asking.add(member);
    try {
      const url = await this.#api.call('member_photo', { member_id: member });
      const before = this.#known.get(member)?.url ?? null;
      this.#known.set(member, { url, at: Date.now() });
      if (url !== before) this.arrived++;
    } catch {
      this.#known.set(member, { url: this.#known.get(member)?.url ?? null, at: Date.now() });
    } finally {
      this.#asking.delete(member);
    }
  }
}
