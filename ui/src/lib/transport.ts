// The one place that knows which face the UI runs in: Tauri IPC inside the app, HTTP + SSE in a
// browser. Everything else calls `transport.call(command, args)`.
import type { ErrorDto, Event } from './types';

export type Command =
  | 'status'
  | 'grid'
  | 'search'
  | 'settings'
  | 'locations'
  | 'tap'
  | 'tap_pin'
  | 'tap_card'
  | 'sync_now'
  | 'staff_verify'
  | 'staff_set_pin'
  | 'update_settings'
  | 'staff_queue'
  | 'staff_retry'
  | 'staff_discard'
  | 'staff_login'
  | 'staff_logout'
  | 'staff_pairing'
  | 'pair'
  | 'leave_kiosk'
  | 'autostart';

export type Args = Record<string, unknown>;

export interface Transport {
  readonly kind: 'tauri' | 'http';
  call<T>(command: Command, args?: Args): Promise<T>;
  /** Calls `handler` for every core event; answers a function that stops it. */
  subscribe(handler: (event: Event) => void): () => void;
}

/** A failed call, with the core's stable code. */
export class KioskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function toKioskError(e: unknown): KioskError {
  if (e instanceof KioskError) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const dto = e as ErrorDto;
    return new KioskError(String(dto.code), String(dto.message));
  }
  return new KioskError('network', e instanceof Error ? e.message : String(e));
}

/** Commands that only the app (Tauri) has. */
type AppOnly = 'leave_kiosk' | 'autostart';

type Route = { method: 'GET' | 'POST' | 'PUT'; path: (a: Args) => string; body?: (a: Args) => unknown };

const post = (path: string): Route => ({ method: 'POST', path: () => path, body: (a) => a });

/** How each command travels over HTTP. */
export const routes: Record<Exclude<Command, AppOnly>, Route> = {
  status: { method: 'GET', path: () => '/api/status' },
  grid: { method: 'GET', path: () => '/api/grid' },
  search: {
    method: 'GET',
    path: (a) => `/api/search?q=${encodeURIComponent(String(a.query ?? ''))}&limit=${Number(a.limit ?? 50)}`,
  },
  settings: { method: 'GET', path: () => '/api/settings' },
  locations: { method: 'GET', path: () => '/api/locations' },
  tap: post('/api/tap'),
  tap_pin: post('/api/tap/pin'),
  tap_card: post('/api/tap/card'),
  sync_now: post('/api/sync'),
  staff_verify: post('/api/staff/verify'),
  staff_set_pin: post('/api/staff/pin'),
  update_settings: { method: 'PUT', path: () => '/api/settings', body: (a) => a },
  staff_queue: post('/api/staff/queue'),
  staff_retry: { method: 'POST', path: (a) => `/api/staff/queue/${Number(a.id)}/retry`, body: (a) => ({ pin: a.pin }) },
  staff_discard: {
    method: 'POST',
    path: (a) => `/api/staff/queue/${Number(a.id)}/discard`,
    body: (a) => ({ pin: a.pin }),
  },
  staff_login: post('/api/staff/login'),
  staff_logout: post('/api/staff/logout'),
  staff_pairing: post('/api/staff/pairing'),
  pair: post('/api/pair'),
};

export function httpTransport(
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  makeSource: (url: string) => EventSource = (url) => new EventSource(url),
  base = '',
): Transport {
  return {
    kind: 'http',
    async call<T>(command: Command, args: Args = {}): Promise<T> {
      if (command === 'leave_kiosk' || command === 'autostart') {
        throw new KioskError('unsupported', 'Only the kiosk app can do that.');
      }
      const route = routes[command];
      const init: RequestInit = { method: route.method, headers: {}, credentials: 'same-origin' };
      if (route.body) {
        init.body = JSON.stringify(route.body(args));
        init.headers = { 'content-type': 'application/json' };
      }
      let response: Response;
      try {
        response = await fetchImpl(base + route.path(args), init);
      } catch (e) {
        throw new KioskError('network', e instanceof Error ? e.message : String(e));
      }
      const text = await response.text();
      const body: unknown = text ? JSON.parse(text) : null;
      if (!response.ok) throw toKioskError(body ?? { code: 'http', message: `HTTP ${response.status}` });
      return body as T;
    },
    subscribe(handler) {
      const source = makeSource(base + '/api/events');
      const listener = (e: MessageEvent) => handler(JSON.parse(String(e.data)) as Event);
      source.addEventListener('kiosk', listener as EventListener);
      return () => {
        source.removeEventListener('kiosk', listener as EventListener);
        source.close();
      };
    },
  };
}

/** `member_id` -> `memberId`: Tauri commands take their arguments in camel case. */
export function camelKeys(args: Args): Args {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

export function tauriTransport(): Transport {
  return {
    kind: 'tauri',
    async call<T>(command: Command, args: Args = {}): Promise<T> {
      const { invoke } = await import('@tauri-apps/api/core');
      try {
        return await invoke<T>(command, camelKeys(args));
      } catch (e) {
        throw toKioskError(e);
      }
    },
    subscribe(handler) {
      let stop: (() => void) | undefined;
      let stopped = false;
      void import('@tauri-apps/api/event').then(({ listen }) =>
        listen<Event>('kiosk', (e) => handler(e.payload)).then((unlisten) => {
          if (stopped) unlisten();
          else stop = unlisten;
        }),
      );
      return () => {
        stopped = true;
        stop?.();
      };
    },
  };
}

export function isTauri(win: object = globalThis): boolean {
  return '__TAURI_INTERNALS__' in win;
}

export function pickTransport(win: object = globalThis): Transport {
  return isTauri(win) ? tauriTransport() : httpTransport();
}
