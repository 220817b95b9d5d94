// Kiosk calls, typed from their one declaration in the core (crates/kiosk/src/calls.rs), over
// whichever transport the UI runs on. A call without arguments takes none: `api.call('status')`.
import type { Event } from './types';
import { pickTransport, type AnswerOf, type ArgsOf, type CallName, type Transport } from './transport';

type ArgList<K extends CallName> = ArgsOf<K> extends Record<string, never> ? [] : [args: ArgsOf<K>];

export function kioskApi(transport: Transport = pickTransport()) {
  return {
    call<K extends CallName>(name: K, ...args: ArgList<K>): Promise<AnswerOf<K>> {
      return transport.call(name, (args[0] ?? {}) as ArgsOf<K>);
    },
    subscribe: (handler: (event: Event) => void, onLost?: () => void) => transport.subscribe(handler, onLost),
    /** Pairs this tablet with the kiosk. */
    pair: (code: string, name?: string) => transport.pair(code, name),
  };
}

export type KioskApi = ReturnType<typeof kioskApi>;
