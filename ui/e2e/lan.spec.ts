// The kiosk on a lobby's network: a tablet's browser reaches it over HTTPS from a LAN address,
// pairs with the code from the staff panel, is slowed when PINs are guessed on it, and is
// unpaired by staff at once. The "tablet" is this machine reached by its own LAN address (the
// kiosk sees a caller that is not loopback); the staff use the kiosk's own screen (loopback).
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LAN_PORT } from '../playwright.config';
import { axe, openStaffPanel, shot, staffSession } from './helpers';
import type { PeerKiosk, Tablets } from '../src/lib/types';

const SCREEN = `https://127.0.0.1:${LAN_PORT}`;

/** An IPv4 address of this machine that is not loopback (scripts/test.sh makes one if none). */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no LAN address: scripts/test.sh adds a dummy one as root');
}

async function browserAt(browser: Browser): Promise<Page> {
  // Self-signed: staff compare the fingerprint the panel shows; the test checks it below.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  return context.newPage();
}

test('a tablet pairs by code, guessing PINs on it waits, and staff unpair it at once', async ({ browser, playwright }) => {
  const tabletUrl = `https://${lanAddress()}:${LAN_PORT}/`;
  const tablet = await browserAt(browser);
  await tablet.goto(tabletUrl);
  await expect(tablet.getByTestId('pair-code')).toBeVisible();
  await axe(tablet, 'the pairing screen');

  // A wrong code says so, in words.
  await tablet.getByTestId('pair-code').fill('000000');
  await tablet.getByTestId('pair-submit').click();
  await expect(tablet.getByTestId('pair-error')).toBeVisible();

  // Staff read the code on the kiosk's own screen.
  const api = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const session = await staffSession(api, SCREEN);
  const tablets = (await (await api.post(`${SCREEN}/api/staff_tablets`, { data: { session } })).json()) as Tablets;
  expect(tablets.pairing.code).toMatch(/^\d{6}$/);
  expect(tablets.tls_fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

  await tablet.getByTestId('pair-code').fill(tablets.pairing.code);
  await tablet.getByTestId('pair-name').fill('Lobby tablet');
  await tablet.getByTestId('pair-submit').click();
  await expect(tablet.locator('[data-testid=tile]').first()).toBeVisible();
  await shot(tablet, 'lan-tablet-paired');

  // Guessing member PINs on the tablet: three free, the fourth starts a wait.
  await tablet.getByTestId('pin-button').click();
  for (let i = 0; i < 4; i++) {
    for (const d of '987654321') await tablet.getByTestId(`pin-key-${d}`).click();
    await tablet.getByTestId('pin-submit').click();
    await expect(tablet.getByTestId('pin-error')).toBeVisible();
  }
  for (const d of '987654321') await tablet.getByTestId(`pin-key-${d}`).click();
  await tablet.getByTestId('pin-submit').click();
  await expect(tablet.getByTestId('pin-error')).toContainText(/try again in \d+ s/i);
  await tablet.keyboard.press('Escape');

  // Staff on the screen see the tablet, its wrong PINs and the certificate, and unpair it.
  const screen = await browserAt(browser);
  await screen.goto(SCREEN);
  await openStaffPanel(screen);
  const list = screen.getByTestId('devices');
  await expect(list).toContainText('Lobby tablet');
  await expect(screen.getByTestId('wrong-pins')).toContainText('Lobby tablet: 4');
  await expect(screen.getByTestId('tls-fingerprint')).toHaveText(tablets.tls_fingerprint!);
  // A kiosk on the network lists the other kiosks of its location it hears of (here, none).
  await expect(screen.getByTestId('staff-kiosks')).toContainText('No other kiosk of this location');
  await axe(screen, 'the staff panel with tablets');
  await screen.getByTestId('staff-tablets').scrollIntoViewIfNeeded();
  await shot(screen, 'lan-staff-tablets');
  await list.locator('li', { hasText: 'Lobby tablet' }).getByTestId('revoke-tablet').click();
  await expect(list.locator('li', { hasText: 'Lobby tablet' })).toHaveClass(/revoked/);

  // The tablet's stream closed: it shows the pairing screen without anyone touching it.
  await expect(tablet.getByTestId('pair-code')).toBeVisible({ timeout: 10_000 });
  await shot(tablet, 'lan-tablet-unpaired');
});

test('a tablet cannot choose the staff PIN or open the panel without it', async ({ browser, playwright }) => {
  const api = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const session = await staffSession(api, SCREEN);
  const { pairing } = (await (await api.post(`${SCREEN}/api/staff_tablets`, { data: { session } })).json()) as Tablets;
  const tablet = await browserAt(browser);
  await tablet.goto(`https://${lanAddress()}:${LAN_PORT}/`);
  await tablet.getByTestId('pair-code').fill(pairing.code);
  await tablet.getByTestId('pair-submit').click();
  await expect(tablet.locator('[data-testid=tile]').first()).toBeVisible();
  await tablet.getByTestId('staff-button').click();
  for (const d of '0000') await tablet.getByTestId(`pin-key-${d}`).click();
  await tablet.getByTestId('pin-submit').click();
  await expect(tablet.getByTestId('pin-error')).toContainText(/wrong staff pin/i);
});

test('staff pair this kiosk with another of the location by its code and see its health', async ({ browser, playwright }) => {
  // A second kiosk on the same network (this machine, another port), as a lobby's second
  // reception would be; it announces itself and is heard of by the first.
  const OTHER_PORT = 18445;
  const other = spawn(
    '../target/debug/kiosk',
    ['serve', '--demo', '--bind', `0.0.0.0:${OTHER_PORT}`, '--sim-port', '18791', '--members', '20', '--ui-dir', 'dist', '--data-dir', '../test-output/lan-kiosk-2'],
    { stdio: 'ignore', env: { ...process.env, RUST_LOG: 'warn' } },
  );
  try {
    const api = await playwright.request.newContext({ ignoreHTTPSErrors: true });
    const OTHER = `https://127.0.0.1:${OTHER_PORT}`;
    await expect.poll(async () => (await api.get(`${OTHER}/api/status`).catch(() => null))?.ok() ?? false, { timeout: 30_000 }).toBe(true);
    const otherSession = await staffSession(api, OTHER);
    const { pairing, tls_fingerprint } = (await (await api.post(`${OTHER}/api/staff_tablets`, { data: { session: otherSession } })).json()) as Tablets;

    const screen = await browserAt(browser);
    await screen.goto(SCREEN);
    await openStaffPanel(screen);
    const section = screen.getByTestId('staff-kiosks');
    const entry = section.locator('li', { hasText: `:${OTHER_PORT}` });
    await expect(async () => {
      await section.getByTestId('refresh-kiosks').click();
      await expect(entry).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });

    // The form shows the start of the fingerprint the other's staff panel shows in full.
    await entry.getByTestId('pair-kiosk').click();
    await expect(entry).toContainText(tls_fingerprint!.split(':').slice(0, 4).join(':'));
    await entry.getByTestId('kiosk-code').fill('000000');
    await entry.getByTestId('pair-kiosk-send').click();
    await expect(screen.getByTestId('staff-message')).toContainText(/code is not right/i);
    await entry.getByTestId('kiosk-code').fill(pairing.code);
    await entry.getByTestId('pair-kiosk-send').click();
    // Read at once after pairing: its link to Nexudus and its queue, in staff's words.
    await expect(entry.getByTestId('kiosk-health')).toContainText(/Paired: Online; 0 waiting, 0 set aside/, { timeout: 15_000 });
    await axe(screen, 'the staff panel with a paired kiosk');
    await entry.scrollIntoViewIfNeeded();
    await shot(screen, 'lan-staff-paired-kiosk');

    // The other kiosk's desk shows this one, paired, too.
    const back = (await (await api.post(`${OTHER}/api/staff_kiosks`, { data: { session: otherSession } })).json()) as PeerKiosk[];
    expect(back.map((k) => k.paired !== null), 'paired both ways').toContain(true);

    // It stops: the next reading says it does not answer, with the last health kept.
    other.kill('SIGTERM');
    await expect(entry.getByTestId('kiosk-problem')).toContainText(/does not answer/, { timeout: 20_000 });
    await entry.getByTestId('unpair-kiosk').click();
    await expect(entry.getByTestId('kiosk-health')).toHaveCount(0);
  } finally {
    other.kill('SIGKILL');
  }
});
