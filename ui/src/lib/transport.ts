// The one place that knows which face the UI runs in: Tauri IPC inside the app, HTTP + SSE in a
// browser. Both carry the same kiosk calls, declared once in crates/kiosk/src/calls.rs (their
// names, arguments and answers reach this file as the generated `Calls` type): Tauri through
// its one `call` command, HTTP as `POST /api/{call}` with the arguments as the JSON body.
import type { Calls, ErrorCode, ErrorDto, Event } from './types';

export type CallName = keyof Calls;
export type ArgsOf<K extends CallName> = Calls[K]['args'];
export type AnswerOf<K extends CallName> = Calls[K]['answer'];

export interface Transport {
  call<K extends CallName>(name: K, args: ArgsOf<K>): Promise<AnswerOf<K>>;
  /** Calls `handler` for every core event, and `onLost` when the stream breaks; answers a
   * function that stops it. */
  subscribe(handler: (event: Event) => void, onLost?: () => void): () => void;
  /** Pairs this tablet with the kiosk under a name staff will see (a face that needs no
   * pairing just says yes). */
  pair(code: string, name?: string): Promise<void>;
}

/** What a failed call is: one of the core's stable codes, or `network` when the call never
 * reached the kiosk. */
export type FailureCode = ErrorCode | 'network';

/** A failed call, with the core's stable code and the data to word it. */
export class KioskError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly detail: Partial<Pick<ErrorDto, 'field' | 'tries_left' | 'seconds' | 'role'>> = {},
  ) {
    super(message);
  }
}

export function toKioskError(e: unknown): KioskError {
  if (e instanceof KioskError) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const dto = e as ErrorDto;
    return new KioskError(dto.code, String(dto.message), {
      field: dto.field,
      tries_left: dto.tries_left,
      seconds: dto.seconds,
      role: dto.role,
    });
  }
  return new KioskError('network', e instanceof Error ? e.message : String(e));
}

export function httpTransport(
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  makeSource: (url: string) => EventSource = (url) => new EventSource(url),
  base = '',
): Transport {
  async function post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchImpl(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new KioskError('network', e instanceof Error ? e.message : String(e));
    }
    const text = await response.text();
    const answer: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) throw toKioskError(answer ?? { code: 'http', message: `HTTP ${response.status}` });
    return answer;
  }
  return {
    async call(name, args) {
      // The name is part of the path, never an argument: PINs and sessions stay in the body.
      return (await post(`/api/${encodeURIComponent(name)}`, args)) as never;
    },
    async pair(code, name) {
      await post('/api/pair', { code, name: name || null });
    },
    subscribe(handler, onLost) {
      const source = makeSource(base + '/api/events');
      const listener = (e: MessageEvent) => handler(JSON.parse(String(e.data)) as Event);
      const lost = () => onLost?.();
      source.addEventListener('kiosk', listener as EventListener);
      source.addEventListener('error', lost);
      return () => {
        source.removeEventListener('kiosk', listener as EventListener);
        source.removeEventListener('error', lost);
        source.close();
      };
    },
  };
}

export function tauriTransport(): Transport {
  return {
    async call(name, args) {
      const { invoke } = await import('@tauri-apps/api/core');
      try {
        return await invoke<never>('call', { call: name, args });
      } catch (e) {
        throw toKioskError(e);
      }
    },
    async pair() {
      // The app is the kiosk's own screen: nothing to pair.
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
