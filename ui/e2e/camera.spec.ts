// A visitor shows their invitation's QR code to the tablet's camera (the browser face): the
// code is read in the page and the visitor signed in; a walk-in's photo is taken by the same
// camera and printed on their badge. Chromium's fake camera plays a picture of
// the code (camera-video.ts); the invitation is made in Nexudus just before, so the kiosk finds
// it online by its code.
import { expect, test } from '@playwright/test';
import type { Status } from '../src/lib/types';
import { readdirSync, readFileSync } from 'node:fs';
import { PRINTED, PRINTER, SIM } from '../playwright.config';
import { CAMERA_CODE } from './camera-video';
import { axe, changeSettings, eligible, settings, shot, signOnPad, simVisitors } from './helpers';

test('a visitor shows the QR code of their invitation to the camera and is signed in', async ({ page, request }) => {
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
      FullName: 'Quinn Camera',
      Email: 'quinn@example.com',
      ExpectedArrival: new Date().toISOString(),
      CoworkerId: host.Id,
      VisitorCode: CAMERA_CODE,
    },
  });
  expect(invite.ok(), 'the invitation is made in Nexudus').toBe(true);

  await page.goto('/');
  await page.getByTestId('visitor-button').click();
  await page.getByTestId('visitor-camera').click();
  await expect(page.getByTestId('qr-camera')).toBeVisible();
  await axe(page, 'the camera on the visitors desk');
  const result = page.getByTestId('visitor-result');
  await expect(result, 'read from the camera and signed in').toHaveAttribute('data-kind', 'arrived', { timeout: 20_000 });
  await expect(result).toContainText('Quinn');
  await expect(page.getByTestId('qr-camera'), 'the camera stops once the code is read').toHaveCount(0);
  await expect
    .poll(async () => (await simVisitors(request)).find((v) => v.FullName === 'Quinn Camera')?.Arrived, { timeout: 30_000 })
    .toBe(true);
});

test('a walk-in signs the agreement, has their photo taken by the camera, and it prints on their badge', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: {
      ...before.visitors,
      host_approval: false,
      photos: true,
      badge_printer: PRINTER,
      badge_label: '62x100',
      agreement: { version: 1, text: 'Please wear your visitor badge.', translations: {}, keep_days: 30 },
    },
  });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-mode-walk_in').click();
    await page.getByTestId('walk-in-name').fill('Lise Meitner');
    await page.getByTestId('walk-in-email').fill('lise@example.com');
    await page.getByTestId('walk-in-host').fill(host.FullName);
    await page.getByTestId('walk-in-host-option').filter({ hasText: host.FullName }).first().click();
    await page.getByTestId('walk-in-register').click();
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    // Then the camera: a picture taken, shown back, kept.
    await expect(page.getByTestId('visitor-photo')).toBeVisible();
    await axe(page, 'the camera for a visitor’s photo');
    await page.getByTestId('photo-take').click();
    await expect(page.getByTestId('photo-preview')).toBeVisible();
    await shot(page, 'visitor-photo');
    await page.getByTestId('photo-keep').click();
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
    await expect(page.getByTestId('badge-state')).toHaveText('Your badge is printed: take it from the printer.', { timeout: 15_000 });
    // The printer's newest job is her badge, with her photo in it.
    const jobs = readdirSync(PRINTED)
      .filter((f) => /^job-\d+\.pdf$/.test(f))
      .sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
    const pdf = readFileSync(`${PRINTED}/${jobs.at(-1)!}`);
    expect(pdf.includes('/Subtype /Image') || pdf.includes('/Subtype/Image'), 'a picture on the badge').toBe(true);
    // The screen never shows it: the badge shown on screen has no picture but its QR code.
    await page.keyboard.press('Escape');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});
