// Focus stays in a dialog (issue 27, point 2): Tab and Shift+Tab go round each dialog twice
// without ever reaching the page behind it, and closing a dialog gives the focus back to what
// opened it. The PIN pad, the staff unlock, the visitors' desk and its walk-in form, the staff
// panel and desk, the result card.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { STAFF_PIN, eligible, findMember } from './helpers';

/** Tabs round `dialog` twice each way; every stop is inside it. */
async function tabsStayIn(page: Page, dialog: Locator, name: string) {
  await expect(dialog).toBeVisible();
  const stops = await dialog.evaluate(
    (el) =>
      el.querySelectorAll(
        'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, a[href], summary, [tabindex]:not([tabindex="-1"])',
      ).length,
  );
  expect(stops, `${name} has something to focus`).toBeGreaterThan(0);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 2 * stops + 1; i++) {
      await page.keyboard.press(key);
      const inside = await dialog.evaluate((el) => el.contains(document.activeElement) && document.activeElement !== document.body);
      expect(inside, `${name}: ${key} number ${i + 1} of ${2 * stops + 1} stays in the dialog`).toBe(true);
    }
  }
}

async function focusedTestId(page: Page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
}

test('the member PIN pad and the staff unlock keep the focus and give it back', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('tile').first()).toBeVisible();
  await page.getByTestId('pin-button').focus();
  await page.keyboard.press('Enter');
  await tabsStayIn(page, page.getByTestId('pin-pad'), 'the member PIN pad');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pin-pad')).toHaveCount(0);
  await expect.poll(() => focusedTestId(page), 'back on the button that opened it').toBe('pin-button');

  await page.getByTestId('staff-button').focus();
  await page.keyboard.press('Enter');
  await tabsStayIn(page, page.getByTestId('pin-pad'), 'the staff unlock');
  await page.keyboard.press('Escape');
  await expect.poll(() => focusedTestId(page)).toBe('staff-button');
});

test('the visitors’ desk and its walk-in form keep the focus and give it back', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('visitor-button').focus();
  await page.keyboard.press('Enter');
  const desk = page.getByTestId('visitor-desk');
  await tabsStayIn(page, desk, 'the visitors’ desk');
  const walkIn = page.getByTestId('visitor-mode-walk_in');
  if ((await walkIn.count()) > 0) {
    await walkIn.click();
    await tabsStayIn(page, desk, 'the walk-in form');
  }
  await page.keyboard.press('Escape');
  await expect(desk).toHaveCount(0);
  await expect.poll(() => focusedTestId(page)).toBe('visitor-button');
});

test('the staff panel, the staff desk and the result card keep the focus', async ({ page, request }) => {
  await page.goto('/');
  await page.getByTestId('staff-button').click();
  for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
  await page.getByTestId('pin-submit').click();
  await tabsStayIn(page, page.getByTestId('staff-panel'), 'the staff panel');
  await page.getByTestId('open-desk').click();
  await tabsStayIn(page, page.getByTestId('staff-desk'), 'the staff desk');
  await page.getByTestId('desk-close').click();
  await page.getByTestId('staff-close').click();

  // A tap's card: its buttons ("Not you? Undo", close) and nothing behind.
  const member = (await eligible(request))[0]!;
  await page.getByTestId('search').fill(member.FullName);
  await page.getByTestId('tile').filter({ hasText: member.FullName }).first().click();
  await tabsStayIn(page, page.getByTestId('result').locator('[role=dialog]'), 'the result card');
  // Taken back, so the other specs find the member as they were.
  const undo = page.getByRole('button', { name: /undo/i });
  if ((await undo.count()) > 0) await undo.click();
});

test('the result card is rehearsed out of sight once the grid paints, and leaves nothing behind', async ({ page }) => {
  // The first card after a load used to wait 45-60 ms for the engine's first look at its fonts
  // (lib/rehearse.ts); built once after the grid's first paint, it must not show, take the focus
  // or stay in the page.
  await page.goto('/');
  await expect(page.getByTestId('tile').first()).toBeVisible();
  const rehearsed = () =>
    page.evaluate(() => {
      const mark = performance.getEntriesByName('card-rehearsed')[0] as PerformanceMark | undefined;
      return mark ? (mark.detail as { elements: number }).elements : null;
    });
  await expect.poll(rehearsed, 'the card was built once after the first paint').toBeGreaterThan(3);
  await expect(page.getByTestId('result'), 'no card left in the page').toHaveCount(0);
  await expect(page.locator('[role=dialog]'), 'no dialog left in the page').toHaveCount(0);
  await expect(page.locator('[aria-hidden=true][inert]'), 'the stage is gone').toHaveCount(0);
  const focusInDialog = await page.evaluate(() => !!document.activeElement?.closest('[role=dialog], [data-testid=result]'));
  expect(focusInDialog, 'the focus was not taken').toBe(false);
  // The real card still shows, with its focus, on the first tap.
  const member = (await eligible(page.request))[0]!;
  await (await findMember(page, member)).click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'welcome');
  await expect.poll(() => focusedTestId(page), 'the card takes the focus').toBe('result-close');
  // Taken back, so the other specs find the member as they were.
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'undone');
});
