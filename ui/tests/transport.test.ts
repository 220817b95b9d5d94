import { describe, expect, it } from 'vitest';
import { httpTransport, isTauri, KioskError, pickTransport, toKioskError } from '../src/lib/transport';
import { kioskApi } from '../src/lib/api';
import type { Event } from '../src/lib/types';

type Sent = { url: string; init: RequestInit };

function fakeFetch(answers: Record<string, { status: number; body: unknown }>) {
  const sent: Sent[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    const key = `${init.method} ${url}`;
    const a = answers[key] ?? { status: 404, body: { code: 'unknown_call', message: 'no such call' } };
    return new Response(JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof fetch;
  return { impl, sent };
}

describe('choosing a transport', () => {
  it('uses Tauri IPC inside the app and HTTP in a browser', () => {
    expect(isTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
    expect(isTauri({})).toBe(false);
    expect(pickTransport({})).toHaveProperty('call');
  });
});

describe('the HTTP transport', () => {
  it('posts every call to /api/{call} with its arguments as the body, a PIN or session never in the URL', async () => {
    const { impl, sent } = fakeFetch({
      'POST /api/tap': { status: 200, body: { kind: 'welcome' } },
      'POST /api/staff_discard': { status: 200, body: null },
      'POST /api/search': { status: 200, body: [] },
    });
    const t = httpTransport(impl, () => ({}) as EventSource);
    await expect(t.call('tap', { member_id: 5 })).resolves.toEqual({ kind: 'welcome' });
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ member_id: 5 });
    await t.call('staff_discard', { session: 'c0ffee', id: 7 });
    expect(sent[1]!.url).toBe('/api/staff_discard');
    expect(sent[1]!.url).not.toContain('c0ffee');
    expect(JSON.parse(String(sent[1]!.init.body))).toEqual({ session: 'c0ffee', id: 7 });
    await t.call('search', { query: 'Zoë Ø', limit: 10 });
    expect(JSON.parse(String(sent[2]!.init.body))).toEqual({ query: 'Zoë Ø', limit: 10 });
  });

  it('sends a call without arguments as an empty object', async () => {
    const { impl, sent } = fakeFetch({ 'POST /api/status': { status: 200, body: { demo: true } } });
    await expect(kioskApi(httpTransport(impl)).call('status')).resolves.toEqual({ demo: true });
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({});
  });

  it('turns an error answer into a KioskError with the core code and its data', async () => {
    const { impl } = fakeFetch({
      'POST /api/staff_unlock': { status: 403, body: { code: 'wrong_pin', message: 'wrong staff PIN', tries_left: 3 } },
    });
    const t = httpTransport(impl);
    const err = await t.call('staff_unlock', { pin: '9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    expect((err as KioskError).code).toBe('wrong_pin');
    expect((err as KioskError).detail.tries_left).toBe(3);
  });

  it('reports a network failure as its own code', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const err = await httpTransport(failing).call('status', {}).catch((e: unknown) => e);
    expect((err as KioskError).code).toBe('network');
  });

  it('pairs through its own route, not as a kiosk call', async () => {
    const { impl, sent } = fakeFetch({ 'POST /api/pair': { status: 200, body: { paired: true } } });
    await httpTransport(impl).pair('123456');
    expect(sent[0]!.url).toBe('/api/pair');
    const wrong = fakeFetch({ 'POST /api/pair': { status: 403, body: { code: 'wrong_code', message: 'no' } } });
    const err = await httpTransport(wrong.impl).pair('1').catch((e: unknown) => e);
    expect(toKioskError(err).code).toBe('wrong_code');
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

  it('tells the UI when the event stream breaks, so an unpaired tablet finds out at once', () => {
    const listeners: Record<string, (e: unknown) => void> = {};
    const source = {
      addEventListener: (name: string, l: (e: unknown) => void) => (listeners[name] = l),
      removeEventListener: (name: string) => delete listeners[name],
      close: () => {},
    } as unknown as EventSource;
    let lost = 0;
    const stop = httpTransport(fetch, () => source).subscribe(
      () => {},
      () => (lost += 1),
    );
    listeners['error']!({});
    expect(lost).toBe(1);
    stop();
    expect(listeners['error']).toBeUndefined();
  });

  it('pairs under the name staff will see', async () => {
    const { impl, sent } = fakeFetch({ 'POST /api/pair': { status: 200, body: { paired: true } } });
    await httpTransport(impl).pair('123456', 'Front desk');
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ code: '123456', name: 'Front desk' });
  });
});
