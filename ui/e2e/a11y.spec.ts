// Accessibility: axe-core finds no violation (WCAG 2 A and AA, colour contrast included) on each
// screen a member or staff see, in the light and the dark theme.
import { expect, test } from '@playwright/test';
import { STAFF_PIN, axe, eligible, findMember, shot, tile } from './helpers';

for (const theme of ['light', 'dark'] as const) {
  test(`every screen is free of axe violations in the ${theme} theme`, async ({ page, request }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/');
    await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
    await axe(page, 'the grid');

    await page.getByTestId('search').fill('a');
    await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
    await axe(page, 'search results');
    await page.getByTestId('search').fill('');

    await page.getByTestId('pin-button').click();
    await expect(page.getByTestId('pin-submit')).toBeVisible();
    await axe(page, 'the PIN pad');
    await page.keyboard.press('Escape');

    // The visitors' desk (its answers are checked in visitors.spec.ts; a wrong code here would
    // count as a wrong try at this screen for the tests after this one).
    await page.getByTestId('visitor-button').click();
    await expect(page.getByTestId('visitor-code')).toBeFocused();
    await axe(page, 'the visitors desk');
    await shot(page, `a11y-visitors-${theme}`);
    await page.keyboard.press('Escape');

    const m = (await eligible(request))[3]!;
    await (await findMember(page, m)).click();
    await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'welcome');
    await axe(page, 'the welcome card');
    await shot(page, `a11y-welcome-${theme}`);
    await page.getByTestId('result').click();
    await expect((await findMember(page, m)).getByTestId('in-badge')).toBeVisible();
    await axe(page, 'a tile checked in');
    // Past the double-tap window, the same tile checks out: the member is left as found.
    await page.waitForTimeout(5_500);
    await tile(page, m.Id).click();
    await expect(page.getByTestId('result')).toHaveAttribute('data-kind', 'goodbye');
    await axe(page, 'the goodbye card');
    await page.getByTestId('result').click();

    await page.getByTestId('staff-button').click();
    for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await expect(page.getByTestId('staff-panel')).toBeVisible();
    await axe(page, 'the staff panel');
    await shot(page, `a11y-staff-${theme}`);
  });
}
