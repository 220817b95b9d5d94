// Five wrong staff PINs lock the panel for 30 s: run after every other test (its own project in
// playwright.config.ts), which the lock would otherwise keep out of the staff panel.
import { expect, test } from '@playwright/test';
import { shot } from './helpers';

test('five wrong staff PINs lock the panel', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('staff-button').click();
  for (let i = 0; i < 5; i++) {
    for (const d of '9999') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await expect(page.getByTestId('pin-error')).toBeVisible();
  }
  await expect(page.getByTestId('pin-error')).toContainText(/try again in \d+ s/i);
  await shot(page, 'lockout');
});
