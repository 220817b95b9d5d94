// A visitor shows their invitation's QR code to the tablet's camera (the browser face): the
// code is read in the page and the visitor signed in; a walk-in's photo is taken by the same
// camera and printed on their badge. Chromium's fake camera plays a picture of
// the code (camera-video.ts); the invitation is made in Nexudus just before, so the kiosk finds
// it online by its code.
import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { PRINTED, PRINTER } from '../playwright.config';
import { CAMERA_CODE } from './camera-video';
import { axe, changeSettings, eligible, inviteGuest, settings, shot, signOnPad, simVisitors } from './helpers';

test('a visitor shows the QR code of their invitation to the camera and is signed in', async ({ page, request }) => {
  await inviteGuest(request, 'Quinn Camera', CAMERA_CODE);

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

test('a walk-in signs the agreement, has their photo taken by the camera and printed on their badge; in Spanish another takes none', async ({ page, request }) => {
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
    // The printer numbers its jobs: hers is the next one.
    const numbers = readdirSync(PRINTED).flatMap((f) => /^job-(\d+)\.pdf$/.exec(f)?.[1] ?? []).map(Number);
    const hers = `${PRINTED}/job-${Math.max(0, ...numbers) + 1}.pdf`;
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
    // Her badge as the printer kept it (once its job is processed), with her photo in it.
    await expect
      .poll(() => existsSync(hers) && readFileSync(hers).includes('%%EOF'), { timeout: 15_000 })
      .toBe(true);
    const pdf = readFileSync(hers);
    expect(pdf.includes('/Subtype /Image') || pdf.includes('/Subtype/Image'), 'a picture on the badge').toBe(true);
    await page.keyboard.press('Escape');

    // In Spanish, a walk-in who would rather not: no photo, and in all the same.
    await page.getByTestId('language-button').click();
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-mode-walk_in').click();
    await page.getByTestId('walk-in-name').fill('Marie Curie');
    await page.getByTestId('walk-in-email').fill('marie@example.com');
    await page.getByTestId('walk-in-host').fill(host.FullName);
    await page.getByTestId('walk-in-host-option').filter({ hasText: host.FullName }).first().click();
    await page.getByTestId('walk-in-register').click();
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    await expect(page.getByTestId('visitor-photo')).toContainText('Una foto para su credencial');
    await page.getByTestId('photo-none').click();
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
    await expect(page.getByTestId('badge-state')).toHaveText('Su credencial está impresa: recójala de la impresora.', { timeout: 15_000 });
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});
