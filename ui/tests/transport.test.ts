import { describe, expect, it } from 'vitest';
import { camelKeys, httpTransport, isTauri, KioskError, pickTransport, routes } from '../src/lib/transport';
import type { Event } from '../src/lib/types';

type Call = { url: string; init: RequestInit };

function fakeFetch(answers: Record<string, { status: number; body: unknown }>) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const key = `${init.method} ${url.split('?')[0]}`;
    const a = answers[key] ?? { status: 404, body: { code: 'nope', message: 'no route' } };
    return new Response(JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('choosing a transport', () => {
  it('uses Tauri IPC inside the app and HTTP in a browser', () => {
    expect(isTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
    expect(isTauri({})).toBe(false);
    expect(pickTransport({ __TAURI_INTERNALS__: {} }).kind).toBe('tauri');
    expect(pickTransport({}).kind).toBe('http');
  });

  it('sends Tauri arguments in camel case', () => {
    expect(camelKeys({ member_id: 3, base_url: 'x', pin: '1' })).toEqual({ memberId: 3, baseUrl: 'x', pin: '1' });
  });
});

describe('the HTTP transport', () => {
  it('maps commands to routes, with the staff PIN in the body and never in the URL', async () => {
    const { impl, calls } = fakeFetch({
      'POST /api/tap': { status: 200, body: { kind: 'welcome' } },
      'POST /api/staff/queue/7/discard': { status: 200, body: null },
      'GET /api/search': { status: 200, body: [] },
    });
    const t = httpTransport(impl, () => ({}) as EventSource);
    await expect(t.call('tap', { member_id: 5 })).resolves.toEqual({ kind: 'welcome' });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ member_id: 5 });
    await t.call('staff_discard', { pin: '2468', id: 7 });
    expect(calls[1]!.url).toBe('/api/staff/queue/7/discard');
    expect(calls[1]!.url).not.toContain('2468');
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ pin: '2468' });
    await t.call('search', { query: 'Zoë Ø', limit: 10 });
    expect(calls[2]!.url).toBe('/api/search?q=Zo%C3%AB%20%C3%98&limit=10');
  });

  it('turns an error answer into a KioskError with the core code', async () => {
    const { impl } = fakeFetch({ 'POST /api/tap/pin': { status: 404, body: { code: 'unknown_pin', message: 'no member has that PIN' } } });
    const t = httpTransport(impl);
    const err = await t.call('tap_pin', { pin: '9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    expect((err as KioskError).code).toBe('unknown_pin');
  });

  it('reports a network failure as its own code', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const err = await httpTransport(failing).call('status').catch((e: unknown) => e);
    expect((err as KioskError).code).toBe('network');
  });

  it('has a route for every command but leaving kiosk mode', () => {
    expect(Object.keys(routes).sort()).toContain('update_settings');
    expect(routes.update_settings.method).toBe('PUT');
  });

  it('delivers server-sent events and closes the stream on unsubscribe', () => {
    const listeners: Record<string, (e: MessageEvent) => void> = {};
    let closed = false;
    const source = {
      addEventListener: (name: string, l: (e: MessageEvent) => void) => (listeners[name] = l),
      removeEventListener: (name: string) => delete listeners[name],
      close: () => (closed = true),
    } as unknown as EventSource;
    const seen: Event[] = [];
    const stop = httpTransport(fetch, () => source).subscribe((e) => seen.push(e));
    listeners['kiosk']!({ data: JSON.stringify({ type: 'members_changed' }) } as MessageEvent);
    expect(seen).toEqual([{ type: 'members_changed' }]);
    stop();
    expect(closed).toBe(true);
  });
});
