// Typed calls to the kiosk core, over whichever transport the UI runs on.
import type { Location, QueueItem, Settings, Status, TapOutcome, Tile } from './types';
import { pickTransport, type Transport } from './transport';

export function kioskApi(transport: Transport = pickTransport()) {
  const call = transport.call.bind(transport);
  return {
    transport,
    status: () => call<Status>('status'),
    grid: () => call<Tile[]>('grid'),
    search: (query: string, limit = 50) => call<Tile[]>('search', { query, limit }),
    settings: () => call<Settings>('settings'),
    locations: () => call<Location[]>('locations'),
    tap: (member_id: number) => call<TapOutcome>('tap', { member_id }),
    tapPin: (pin: string) => call<TapOutcome>('tap_pin', { pin }),
    tapCard: (card: string) => call<TapOutcome>('tap_card', { card }),
    syncNow: () => call<void>('sync_now'),
    verifyStaff: (pin: string) => call<void>('staff_verify', { pin }),
    setStaffPin: (current: string | null, next: string) => call<void>('staff_set_pin', { current, new: next }),
    updateSettings: (pin: string, settings: Settings) => call<void>('update_settings', { pin, settings }),
    queue: (pin: string) => call<QueueItem[]>('staff_queue', { pin }),
    retry: (pin: string, id: number) => call<void>('staff_retry', { pin, id }),
    discard: (pin: string, id: number) => call<void>('staff_discard', { pin, id }),
    login: (pin: string, email: string, password: string, totp: string | null, base_url: string | null) =>
      call<void>('staff_login', { pin, email, password, totp, base_url }),
    logout: (pin: string) => call<void>('staff_logout', { pin }),
    /** Pairs this tablet with `kiosk serve` (browser face only). */
    pair: (code: string) => call<{ paired: boolean }>('pair', { code }),
    pairing: (pin: string) => call<{ code: string; required: boolean }>('staff_pairing', { pin }),
    leaveKiosk: (pin: string) => call<void>('leave_kiosk', { pin }),
    /** Start at login: `enabled` null only reads it. The app only. */
    autostart: (pin: string, enabled: boolean | null) => call<boolean>('autostart', { pin, enabled }),
  };
}

export type KioskApi = ReturnType<typeof kioskApi>;
