import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { KIOSK, SIM } from '../playwright.config';
import type { Settings, Status, Tile } from '../src/lib/types';

export const STAFF_PIN = '1234';

export type SimMember = {
  Id: number;
  FullName: string;
  Active: boolean;
  InvoicingBusinessId: number;
  AccessPincode: string | null;
  AccessCardId: string | null;
};

/**
 * A GET of the demo simulator's API, as a polite client makes it: the simulator throttles as
 * Nexudus does (one request per 100 ms for each client), so a 409 waits its `Retry-After`.
 */
async function simGet<T>(request: APIRequestContext, path: string, sim = SIM): Promise<T> {
  const token = await request.post(`${sim}/api/token`, {
    headers: { client_id: 'e2e-helpers' },
    form: { grant_type: 'password', username: 'kiosk@demo.nexudus-sim.local', password: 'demo-kiosk' },
  });
  const { access_token } = (await token.json()) as { access_token: string };
  for (let attempt = 0; ; attempt++) {
    const answer = await request.get(`${sim}${path}`, { headers: { authorization: `Bearer ${access_token}` } });
    if (answer.status() !== 409 || attempt >= 5) return (await answer.json()) as T;
    await new Promise((r) => setTimeout(r, 1000 * Number(answer.headers()['retry-after'] ?? '1')));
  }
}

/** A list of the demo simulator's, read through its API like any client. */
async function simList<T>(request: APIRequestContext, path: string, sim = SIM): Promise<T[]> {
  return (await simGet<{ Records: T[] }>(request, path, sim)).Records;
}

/** A member's whole record: the only answer with a PIN, as in Nexudus. */
export const simMember = (request: APIRequestContext, id: number) =>
  simGet<SimMember>(request, `/api/spaces/coworkers/${id}`);

/** Every member of the demo simulator. */
export const simMembers = (request: APIRequestContext, sim = SIM) =>
  simList<SimMember>(request, '/api/spaces/coworkers?size=1000', sim);

/** Members of the demo's location without a plan who hold two unused passes or more (a bundle of
 * day passes), as Nexudus lists them. */
export async function passHolders(request: APIRequestContext): Promise<SimMember[]> {
  const home = ((await (await request.get(`${KIOSK}/api/status`)).json()) as Status).location!.id;
  const contracts = await simList<{ CoworkerId: number }>(
    request,
    '/api/billing/coworkercontracts?size=1000&CoworkerContract_Active=true',
  );
  const planned = new Set(contracts.map((c) => c.CoworkerId));
  const passes = await simList<{ CoworkerId: number }>(request, '/api/billing/coworkertimepasses?size=1000&CoworkerTimePass_Used=false');
  const held = new Map<number, number>();
  for (const p of passes) held.set(p.CoworkerId, (held.get(p.CoworkerId) ?? 0) + 1);
  return (await simMembers(request)).filter(
    (m) => m.Active && !planned.has(m.Id) && m.InvoicingBusinessId === home && (held.get(m.Id) ?? 0) >= 2,
  );
}

/** Members who may check in here: active, with a plan (an active contract), at the demo's location. */
export async function eligible(request: APIRequestContext, kiosk = KIOSK, sim = SIM): Promise<SimMember[]> {
  const home = ((await (await request.get(`${kiosk}/api/status`)).json()) as Status).location!.id;
  const contracts = await simList<{ CoworkerId: number }>(
    request,
    '/api/billing/coworkercontracts?size=1000&CoworkerContract_Active=true',
    sim,
  );
  const planned = new Set(contracts.map((c) => c.CoworkerId));
  return (await simMembers(request, sim)).filter((m) => m.Active && planned.has(m.Id) && m.InvoicingBusinessId === home);
}

export async function settings(request: APIRequestContext): Promise<Settings> {
  return (await (await request.get(`${KIOSK}/api/settings`)).json()) as Settings;
}

/** Waits until the kiosk at `base` has sent everything it holds and finished a sync round
 * begun after this was asked (so what it pulls, such as another kiosk's check-out, is in). */
export async function drained(request: APIRequestContext, base = KIOSK) {
  const asked = Date.now();
  await request.post(`${base}/api/sync_now`, { data: {} });
  await expect
    .poll(
      async () => {
        const status = (await (await request.get(`${base}/api/status`)).json()) as Status;
        const synced = status.last_sync ? Date.parse(status.last_sync) : 0;
        return status.pending === 0 && synced > asked;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** A staff session on the kiosk at `base`, opened with the staff PIN. */
export async function staffSession(request: APIRequestContext, base = KIOSK): Promise<string> {
  const r = await request.post(`${base}/api/staff_unlock`, { data: { pin: STAFF_PIN } });
  expect(r.ok(), 'the staff PIN opens a session').toBe(true);
  return ((await r.json()) as { token: string }).token;
}

export async function changeSettings(request: APIRequestContext, change: Partial<Settings>): Promise<void> {
  const next = { ...(await settings(request)), ...change };
  const session = await staffSession(request);
  const r = await request.post(`${KIOSK}/api/update_settings`, { data: { session, settings: next } });
  expect(r.ok()).toBe(true);
}

export async function grid(request: APIRequestContext): Promise<Tile[]> {
  return (await (await request.get(`${KIOSK}/api/grid`)).json()) as Tile[];
}

export function tile(page: Page, memberId: number) {
  return page.locator(`[data-testid=tile][data-member="${memberId}"]`);
}

/** Types a name into the search box and waits for the member's tile. */
export async function findMember(page: Page, m: SimMember) {
  await page.getByTestId('search').fill(m.FullName);
  await expect(tile(page, m.Id)).toBeVisible();
  return tile(page, m.Id);
}

/** axe-core on the page as it is: no violation of WCAG 2.1 A and AA (contrast included). */
export async function axe(page: Page, screen: string) {
  // Let transitions settle: axe reads the colours as painted.
  await page.waitForTimeout(300);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect(found, `axe on ${screen}`).toEqual([]);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `../test-output/screenshots/${name}.png` });
}

export async function simOutage(request: APIRequestContext, down: boolean) {
  const r = await request.put(`${SIM}/_sim/outage`, { data: { down } });
  expect(r.ok()).toBe(true);
}

/** The check-ins the demo simulator holds for a member (its test-only state API). */
export async function simCheckinsOf(request: APIRequestContext, memberId: number): Promise<{ ToTime: string | null }[]> {
  const state = (await (await request.get(`${SIM}/_sim/state`)).json()) as {
    checkins: { CoworkerId: number; ToTime: string | null }[];
  };
  return state.checkins.filter((c) => c.CoworkerId === memberId);
}

export type SimVisitor = {
  Id: number;
  BusinessId: number;
  FullName: string;
  VisitorCode: string;
  CoworkerFullName: string | null;
  Arrived: boolean;
  DepartureDate: string | null;
  Notes?: string | null;
};

/** The demo simulator's visitors, read through its API like any client. */
export const simVisitors = (request: APIRequestContext) => simList<SimVisitor>(request, '/api/spaces/visitors?size=1000');

/** The host answers a walk-in's request (the simulator's admin API, as Nexudus records it). */
export async function answerHost(request: APIRequestContext, visitorId: number, approved: boolean) {
  const r = await request.put(`${SIM}/_sim/visitors/${visitorId}/approval`, { data: { approved } });
  expect(r.ok(), 'the simulator takes the host answer').toBe(true);
}

/** Signs the agreement's pad with the mouse, as a finger would: one stroke across it. */
export async function signOnPad(page: Page) {
  const pad = page.getByTestId('agreement-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.7);
  await page.mouse.down();
  for (const [x, y] of [
    [0.25, 0.25],
    [0.4, 0.75],
    [0.55, 0.3],
    [0.75, 0.7],
  ] as const) {
    await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 4 });
  }
  await page.mouse.up();
}

/** Opens the staff panel with the staff PIN, typed on the pad. */
export async function openStaffPanel(page: Page) {
  await page.getByTestId('staff-button').click();
  for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('staff-panel')).toBeVisible();
}

/** Invites a guest to the kiosk's location for now, hosted by its first eligible member, as
 * reception does in Nexudus (the kiosk finds the code online). */
export async function inviteGuest(request: APIRequestContext, fullName: string, code: string) {
  const home = ((await (await request.get('/api/status')).json()) as Status).location!.id;
  const host = (await eligible(request))[0]!;
  const token = await request.post(`${SIM}/api/token`, {
    headers: { client_id: 'e2e-reception' },
    form: { grant_type: 'password', username: 'kiosk@demo.nexudus-sim.local', password: 'demo-kiosk' },
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const invite = await request.post(`${SIM}/api/spaces/visitors`, {
    headers: { authorization: `Bearer ${access_token}` },
    data: {
      BusinessId: home,
      FullName: fullName,
      Email: `${fullName.toLowerCase().replace(' ', '.')}@example.com`,
      ExpectedArrival: new Date().toISOString(),
      CoworkerId: host.Id,
      VisitorCode: code,
    },
  });
  expect(invite.ok(), 'the invitation is made in Nexudus').toBe(true);
}
