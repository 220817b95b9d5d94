// The member's screen at the sizes lobbies use: the A-Z bar fits, a phone keeps the search box
// whole, the first screen says what to do, and the five languages take turns.
import { expect, test } from '@playwright/test';
import { shot } from './helpers';
import { LOCALES, messages, nextLocale } from '../src/lib/i18n';

test('at 1024x768 every letter of the A-Z bar is on screen, in runs when they do not all fit', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/');
  const bar = page.getByTestId('az');
  await expect(bar.locator('button').first()).toBeVisible();
  const fits = await bar.evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
  expect(fits, 'the bar does not overflow').toBe(true);
  const last = bar.locator('button').last();
  const box = (await last.boundingBox())!;
  expect(box.y + box.height, 'the last button is inside the window').toBeLessThanOrEqual(768);
  await expect(last).toHaveText(/Z$/);
  await shot(page, 'layout-1024x768');
});

test('on a phone the header stays short and the search box keeps its words', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
  const header = (await page.locator('header.bar').boundingBox())!;
  expect(header.height, 'header height').toBeLessThanOrEqual(90);
  const search = (await page.getByTestId('search').boundingBox())!;
  expect(search.width, 'search width').toBeGreaterThanOrEqual(330);
  await shot(page, 'layout-390x844');
});

test('the first screen says what to do, in each of the five languages in turn', async ({ page }) => {
  await page.goto('/');
  const greeting = page.getByTestId('greeting');
  for (const locale of LOCALES) {
    await expect(greeting, locale).toHaveText(messages[locale].greeting);
    await expect(page.locator('.app')).toHaveAttribute('lang', locale);
    await expect(page.getByTestId('language-button'), 'it names the next language in that language').toHaveText(
      messages[nextLocale(locale)].language,
    );
    await page.getByTestId('language-button').click();
  }
  await expect(page.locator('.app'), 'and round to the first again').toHaveAttribute('lang', 'en');
  await expect(greeting).toHaveText('Tap your name to check in or out');
});
