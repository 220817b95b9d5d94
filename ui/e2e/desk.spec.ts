// The staff desk: a check-in made at another kiosk of the account shows on this one's desk; a
// check-out on a member's behalf reaches Nexudus and the audit log; the fire roll-call lists
// exactly who is in, as the simulator's records say, with the simulator down; the occupancy
// chart renders with data; axe on every view.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { KIOSK, SECOND, SIM } from '../playwright.config';
import type { Status } from '../src/lib/types';
import { STAFF_PIN, axe, drained, eligible, shot, simOutage, simVisitors, staffSession } from './helpers';

async function home(request: APIRequestContext) {
  return ((await (await request.get(`${KIOSK}/api/status`)).json()) as Status).location!;
}

/** Opens the staff desk on the kiosk's own screen (the staff PIN, then "Open the staff desk"). */
async function openDesk(page: Page) {
  await page.goto('/');
  await page.getByTestId('staff-button').click();
  for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('open-desk').click();
  await expect(page.getByTestId('staff-desk')).toBeVisible();
}

/** Checks members in (`in`) or out on their behalf through the staff API, whatever the
 * double-tap window; the desk's tests leave everyone as they found them. */
async function onBehalf(request: APIRequestContext, ids: number[], into: boolean, base = KIOSK) {
  const session = await staffSession(request, base);
  for (const member_id of ids) {
    await request.post(`${base}/api/${into ? 'staff_check_in_for' : 'staff_check_out_for'}`, { data: { session, member_id } });
  }
}

/** Members the other specs do not use (they take the first few eligible ones). */
async function spareMembers(request: APIRequestContext, n: number) {
  const inNow = new Set(((await (await request.get(`${SIM}/_sim/state`)).json()) as SimState).checkins.filter((c) => !c.ToTime).map((c) => c.CoworkerId));
  return (await eligible(request))
    .slice(-12)
    .filter((m) => !inNow.has(m.Id))
    .slice(0, n);
}

type SimState = { checkins: { CoworkerId: number; BusinessId: number; ToTime: string | null }[] };

test('a check-in made at another kiosk of the account shows on this desk', async ({ page, request }) => {
  const location = await home(request);
  const switches = await (await request.get(`${SIM}/_sim/switches`)).json();
  // Source kept, so the desk can tell another kiosk from a door (the simulator drops it by
  // default: an open point of the contract).
  await request.put(`${SIM}/_sim/switches`, { data: { ...switches, stores_source: true } });
  try {
    // The second kiosk: its first staff PIN, a login to this account, the same location.
    expect((await request.post(`${SECOND}/api/staff_set_pin`, { data: { current: null, new: STAFF_PIN } })).ok()).toBe(true);
    const session = await staffSession(request, SECOND);
    const login = await request.post(`${SECOND}/api/staff_login`, {
      data: { session, email: 'kiosk@demo.nexudus-sim.local', password: 'demo-kiosk', totp: null, base_url: SIM },
    });
    expect(login.ok(), await login.text()).toBe(true);
    const settings = await (await request.get(`${SECOND}/api/settings`)).json();
    expect((await request.post(`${SECOND}/api/update_settings`, { data: { session, settings: { ...settings, location } } })).ok()).toBe(true);
    await expect
      .poll(async () => ((await (await request.get(`${SECOND}/api/status`)).json()) as Status).members, { timeout: 30_000 })
      .toBeGreaterThan(0);

    const [member] = await spareMembers(request, 1);
    const tap = await request.post(`${SECOND}/api/tap`, { data: { member_id: member!.Id } });
    expect(((await tap.json()) as { kind: string }).kind).toBe('welcome');
    await drained(request, SECOND);

    await openDesk(page);
    await request.post(`${KIOSK}/api/sync_now`, { data: {} });
    const row = page.locator(`[data-testid=desk-person][data-member="${member!.Id}"]`);
    await expect(row, 'the other kiosk’s check-in reached this desk').toBeVisible({ timeout: 30_000 });
    await expect(row).toHaveAttribute('data-how', 'other_kiosk');
    await axe(page, 'the staff desk: in now');
    await onBehalf(request, [member!.Id], false, SECOND);
    await drained(request, SECOND);
    await drained(request);
  } finally {
    await request.put(`${SIM}/_sim/switches`, { data: switches });
  }
});

test('a check-out on a member’s behalf reaches Nexudus and the audit log', async ({ page, request }) => {
  const member = (await spareMembers(request, 1))[0]!;
  await onBehalf(request, [member.Id], true);
  await drained(request);
  await openDesk(page);
  const row = page.locator(`[data-testid=desk-person][data-member="${member.Id}"]`);
  await row.getByTestId('desk-check-out').click();
  await expect(page.getByTestId('desk-message')).toContainText(member.FullName);
  await expect(row, 'out: gone from the desk').toHaveCount(0);
  await expect
    .poll(
      async () =>
        ((await (await request.get(`${SIM}/_sim/state`)).json()) as SimState).checkins.filter((c) => c.CoworkerId === member.Id && !c.ToTime)
          .length,
      { timeout: 30_000 },
    )
    .toBe(0);
  const session = await staffSession(request);
  const audit = (await (await request.post(`${KIOSK}/api/staff_audit`, { data: { session } })).json()) as { action: string; detail: string }[];
  expect(audit.some((a) => a.action === 'check_out_for' && a.detail.includes(String(member.Id)))).toBe(true);

  await page.getByTestId('desk-tab-today').click();
  await expect(page.getByTestId('desk-timeline')).toBeVisible();
  await axe(page, 'the staff desk: today');
  await page.getByTestId('desk-tab-health').click();
  await expect(page.getByTestId('health-requests')).toBeVisible();
  await axe(page, 'the staff desk: this kiosk');
});

test('the roll-call lists exactly who is in, as Nexudus has it, with the simulator down', async ({ page, request }) => {
  const location = await home(request);
  const members = (await spareMembers(request, 3)).map((m) => m.Id);
  await onBehalf(request, members, true);
  await drained(request);
  // Whatever else is in: the kiosk reads it from Nexudus with the check-ins.
  await request.post(`${KIOSK}/api/sync_now`, { data: {} });
  await page.waitForTimeout(1500);
  const state = (await (await request.get(`${SIM}/_sim/state`)).json()) as SimState;
  const expected = [...new Set(state.checkins.filter((c) => c.BusinessId === location.id && !c.ToTime).map((c) => c.CoworkerId))].sort();
  const visitorsIn = (await simVisitors(request)).filter((v) => v.BusinessId === location.id && v.Arrived && !v.DepartureDate).length;
  expect(expected.length, 'someone is in').toBeGreaterThan(0);

  await openDesk(page);
  await simOutage(request, true);
  try {
    await page.getByTestId('desk-tab-rollcall').click();
    await page.getByTestId('roll-call').click();
    const people = page.getByTestId('roll-call-person');
    await expect(people).toHaveCount(expected.length + visitorsIn);
    const listed = (await people.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')).filter((m) => m)))
      .map(Number)
      .sort();
    expect(listed, 'exactly the members Nexudus has in').toEqual(expected);
    await expect(page.getByTestId('roll-call-fresh')).toBeVisible();
    const download = page.waitForEvent('download');
    await page.getByTestId('roll-call-csv').click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    expect(csv.trim().split('\r\n'), 'a heading line, the columns, one line a person').toHaveLength(2 + expected.length + visitorsIn);
    await shot(page, 'desk-roll-call');
    await axe(page, 'the staff desk: roll-call');
  } finally {
    await simOutage(request, false);
    await onBehalf(request, members, false);
    await drained(request);
  }
});

test('the occupancy chart renders with today’s data', async ({ page, request }) => {
  const members = (await spareMembers(request, 1)).map((m) => m.Id);
  await onBehalf(request, members, true);
  await openDesk(page);
  await page.getByTestId('desk-tab-occupancy').click();
  await expect(page.getByTestId('desk-peak')).not.toContainText('Nobody');
  await expect(page.getByTestId('desk-chart')).toHaveAttribute('data-rendered', 'true');
  await shot(page, 'desk-occupancy');
  await axe(page, 'the staff desk: occupancy');
  await onBehalf(request, members, false);
  await drained(request);
});
