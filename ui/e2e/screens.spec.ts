// The screenshot suite: each screen at the four sizes lobbies use (a desktop, a small laptop, a
// tablet upright, a phone) in both themes, kept in test-output/screenshots/suite/ for review;
// axe-core checks each as it goes (a layout that hides or squeezes text shows up here).
import { expect, test } from '@playwright/test';
import { STAFF_PIN, axe } from './helpers';

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'laptop', width: 1024, height: 768 },
  { name: 'tablet', width: 800, height: 1280 },
  { name: 'phone', width: 390, height: 844 },
] as const;

for (const v of VIEWPORTS) {
  for (const theme of ['light', 'dark'] as const) {
    test(`screens at ${v.width}x${v.height}, ${theme}`, async ({ page }) => {
      await page.setViewportSize({ width: v.width, height: v.height });
      await page.emulateMedia({ colorScheme: theme });
      const shot = (screen: string) =>
        page.screenshot({ path: `../test-output/screenshots/suite/${v.name}-${v.width}x${v.height}-${theme}-${screen}.png` });
      await page.goto('/');
      await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
      await shot('grid');
      await axe(page, `the grid at ${v.name}, ${theme}`);

      await page.getByTestId('search').fill('ma');
      await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
      await shot('search');
      await page.getByTestId('search').fill('');

      await page.getByTestId('pin-button').click();
      await expect(page.getByTestId('pin-submit')).toBeVisible();
      await shot('pin-pad');
      await axe(page, `the PIN pad at ${v.name}, ${theme}`);
      await page.keyboard.press('Escape');

      await page.getByTestId('staff-button').click();
      for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
      await page.getByTestId('pin-submit').click();
      await expect(page.getByTestId('staff-panel')).toBeVisible();
      await shot('staff-panel');
      await page.getByTestId('staff-close').click();
    });
  }
}
