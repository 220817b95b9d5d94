// Keyboard only, end to end: a member finds their tile and checks in and out, uses the PIN pad,
// and staff open and close the panel, without a pointer. Focus is visible and stays inside
// each dialog.
import { expect, test, type Page } from '@playwright/test';
import { STAFF_PIN, eligible } from './helpers';

/** Presses Tab (or Shift+Tab) until `selector` has the focus; fails after `most` presses. */
async function tabTo(page: Page, selector: string, most = 12, key = 'Tab') {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(key);
    if (await page.locator(selector).evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('a member and staff do everything with the keyboard alone', async ({ page, request }) => {
  const m = (await eligible(request))[10]!;
  await page.goto('/');
  await expect(page.locator('[data-testid=tile]').first()).toBeVisible();

  await tabTo(page, '[data-testid=search]');
  await page.keyboard.type(m.FullName);
  const tile = `[data-testid=tile][data-member="${m.Id}"]`;
  await expect(page.locator(tile)).toBeVisible();
  await tabTo(page, tile);
  const outline = await page.locator(tile).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline, 'the focus is visible').not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'welcome');
  await expect(page.getByTestId('result-close'), 'the card takes the focus').toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('result')).toHaveCount(0);

  // Past the double-tap window, the same tile by keyboard checks out.
  await page.waitForTimeout(5_500);
  await page.getByTestId('search').focus();
  await page.keyboard.type(m.FullName);
  await expect(page.locator(tile)).toBeVisible();
  await tabTo(page, tile);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'goodbye');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('result')).toHaveCount(0);

  // The PIN pad: opened with Enter, digits typed, closed with Escape.
  await page.getByTestId('search').focus();
  await tabTo(page, '[data-testid=pin-button]');
  await page.keyboard.press('Enter');
  await page.keyboard.type('12');
  await expect(page.getByTestId('pin-dots')).toHaveText('••');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pin-dots')).toHaveCount(0);

  // Staff: the gear (before the search box: Shift+Tab), the PIN typed, Tab stays inside the
  // panel, Escape closes it.
  await page.getByTestId('search').focus();
  await tabTo(page, '[data-testid=staff-button]', 4, 'Shift+Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type(STAFF_PIN);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('staff-panel')).toBeVisible();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => !!document.activeElement?.closest('[data-testid=staff-panel]'));
    expect(inside, `Tab ${i + 1} stays in the panel`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('staff-panel')).toHaveCount(0);
});
