// Visitors at the front desk: an expected guest signs in with the code from their invitation,
// typed or typed by a 2D scanner reading its QR code, and signs out with it; Nexudus hears of it.
import { expect, test } from '@playwright/test';
import type { Status } from '../src/lib/types';
import { axe, shot, simVisitors } from './helpers';

test('an expected visitor signs in with the invitation code, typed or scanned, and signs out', async ({ page, request }) => {
  const home = ((await (await request.get('/api/status')).json()) as Status).location!.id;
  const guests = (await simVisitors(request)).filter((v) => v.BusinessId === home && !v.Arrived);
  expect(guests.length, 'the demo invites guests for today').toBeGreaterThanOrEqual(2);
  const [typed, scanned] = guests as [(typeof guests)[0], (typeof guests)[0]];
  await page.goto('/');
  await page.getByTestId('visitor-button').click();
  const code = page.getByTestId('visitor-code');
  const result = page.getByTestId('visitor-result');
  await expect(code, 'the code field takes the keyboard at once').toBeFocused();

  await code.fill(typed.VisitorCode.toLowerCase());
  await page.getByTestId('visitor-sign-in').click();
  await expect(result).toHaveAttribute('data-kind', 'arrived');
  await expect(result).toContainText(typed.FullName.split(' ')[0]!);
  if (typed.CoworkerFullName) await expect(result).toContainText(typed.CoworkerFullName);
  await shot(page, 'visitor-arrived');
  await axe(page, 'the visitors desk');

  // A 2D scanner is a keyboard: it types the QR code's text and Enter.
  await expect(code, 'ready for the next code').toBeFocused();
  await page.keyboard.type(`${scanned.VisitorCode}\n`);
  await expect(result).toHaveAttribute('data-kind', 'arrived');
  await expect(result).toContainText(scanned.FullName.split(' ')[0]!);

  await expect
    .poll(async () => (await simVisitors(request)).filter((v) => (v.Id === typed.Id || v.Id === scanned.Id) && v.Arrived).length, {
      timeout: 30_000,
    })
    .toBe(2);

  await code.fill(typed.VisitorCode);
  await page.getByTestId('visitor-sign-out').click();
  await expect(result).toHaveAttribute('data-kind', 'signed_out');
  await expect
    .poll(async () => (await simVisitors(request)).find((v) => v.Id === typed.Id)?.DepartureDate ?? null, { timeout: 30_000 })
    .not.toBeNull();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('visitor-desk')).toHaveCount(0);
});
