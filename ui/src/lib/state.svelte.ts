// What the kiosk screen knows of the core: status, settings, the grid, and whether this tablet
// must pair first. Loaded through the api, kept current by the core's events. The components
// read it; App.svelte only lays them out.
import type { KioskApi } from './api';
import { toKioskError } from './transport';
import { Presence } from './tiles';
import { WhenQuiet } from './quiet';
import type { Event, Settings, Status, Tile } from './types';

export class KioskState {
  status = $state<Status | null>(null);
  settings = $state<Settings | null>(null);
  /** The grid as last read (raw: a tap never rebuilds it, see `presence`)... */
  tiles = $state.raw<Tile[]>([]);
  /** ...and where the taps heard since that read begin. */
  tilesAt = $state(0);
  /** The grid was read once (until then the screen keeps its place for it). */
  gridRead = $state(false);
  /** The taps heard since the lists on screen were read, laid over them. */
  readonly presence = new Presence();
  pairingNeeded = $state(false);
  /** The space's logo (a data: URL), if staff set one. */
  logo = $state<string | null>(null);
  /** Counts the core's events: views that read on their own (the staff desk, the walk-ins'
   * strip) read again when it moves, on this one stream rather than one of their own. */
  changes = $state(0);
  /** Counts the times the core read the account's locations anew (the staff panel's picker). */
  locationsRead = $state(0);
  /** Moves when a kiosk is paired or unpaired, or a paired kiosk's health was read. */
  peersRead = $state(0);
  /** The latest badge the printer took or did not (the visitors' desk tells its visitor). */
  lastBadge = $state<{ visit: string; printed: boolean } | null>(null);
  /** Moves when a badge printed or failed (the staff panel's badges read again). */
  badgesRead = $state(0);

  /** The grid read again after a background change, once the screen is quiet (quiet.ts). */
  private readonly gridWhenQuiet = new WhenQuiet(() => void this.loadGrid(), 1000);

  /** Someone touched the screen: a background grid read waits until they are done. */
  touched = () => this.gridWhenQuiet.touch();

  constructor(
    private readonly api: KioskApi,
    /** Called when the members changed (an open search runs again). */
    private readonly onMembersChanged: () => void = () => {},
  ) {}

  /** Runs a load; a tablet that is not paired yet shows the pairing screen instead. */
  private async guarded(action: () => Promise<void>) {
    try {
      await action();
    } catch (e) {
      const err = toKioskError(e);
      if (err.code === 'pairing_required') this.pairingNeeded = true;
      else console.warn(err);
    }
  }

  loadStatus = () => this.guarded(async () => void (this.status = await this.api.call('status')));
  loadSettings = () => this.guarded(async () => void (this.settings = await this.api.call('settings')));
  loadGrid = () =>
    this.guarded(async () => {
      const at = this.presence.mark();
      this.tiles = await this.api.call('grid');
      this.tilesAt = at;
      this.gridRead = true;
    });
  loadLogo = () => this.guarded(async () => void (this.logo = await this.api.call('logo')));

  /** The event stream broke (a restart, or staff unpaired this tablet): ask again, and a
   * tablet no longer paired shows the pairing screen. */
  onStreamLost = () => void this.loadStatus();

  /** All at once: the grid does not wait for the status bar (the core applies privacy). */
  loadAll = () => Promise.all([this.loadSettings(), this.loadStatus(), this.loadGrid(), this.loadLogo()]);

  onEvent = (e: Event) => {
    this.changes++;
    switch (e.type) {
      case 'tapped':
        // One tile changes, wherever it shows: no grid read (the grid may hold 20,000).
        this.presence.tapped(e.member_id, e.outcome);
        break;
      case 'members_changed':
        this.gridWhenQuiet.request();
        this.onMembersChanged();
        break;
      case 'locations_changed':
        // The staff panel's picker follows it (a login just read the account's locations).
        this.locationsRead++;
        break;
      case 'members_loading':
        // A first load went on (the bar's count) or ended (the status's member count moved).
        if (this.status && e.load) this.status = { ...this.status, loading: e.load };
        else void this.loadStatus();
        break;
      case 'settings_changed':
        void this.loadSettings().then(this.loadGrid).then(this.loadStatus).then(this.loadLogo);
        break;
      case 'sync_progress':
        if (this.status) this.status = { ...this.status, pending: e.pending, parked: e.parked };
        else void this.loadStatus();
        break;
      case 'connectivity':
        // At once on the bar; then the whole status, for what came with it (the problem that
        // names a missing role, who is logged in).
        if (this.status) this.status = { ...this.status, connectivity: e.state };
        void this.loadStatus();
        break;
      case 'synced':
        if (this.status) this.status = { ...this.status, last_sync: e.at };
        break;
      case 'badge_printed':
        this.lastBadge = { visit: e.visit, printed: e.printed };
        this.badgesRead++;
        break;
      case 'peers_changed':
        // The staff panel's other kiosks read again (their health, a pairing made elsewhere).
        this.peersRead++;
        break;
      case 'device_revoked':
        // Another tablet was unpaired (this one's stream just ends: see `onStreamLost`).
        void this.loadStatus();
        break;
    }
  };
}
