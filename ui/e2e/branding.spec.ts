// The space's own look, set by staff in the panel: a logo, an accent colour, a welcome line, and
// the attract screen after idle. Left as found at the end (the other tests share the kiosk).
import { expect, test } from '@playwright/test';
import { KIOSK } from '../playwright.config';
import { STAFF_PIN, axe, changeSettings, settings, shot, staffSession } from './helpers';

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test('staff brand the screen, and after idle the attract screen shows the logo and the welcome line', async ({
  page,
  request,
}) => {
  const before = await settings(request);
  try {
    await page.goto('/');
    await page.getByTestId('staff-button').click();
    for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    const branding = page.getByTestId('branding');
    await branding.getByText('Use the standard colour').click();
    await page.getByTestId('accent').fill('#1a7f37');
    await page.getByTestId('welcome-line-input').fill('Welcome to Shoreditch Hub');
    await page.getByTestId('welcome-line-input').blur();
    await page.getByTestId('attract-screen').check();
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/update_settings'));
    await page.getByTestId('save-branding').click();
    expect((await saved).ok()).toBe(true);
    const logo = page.waitForResponse((r) => r.url().endsWith('/api/staff_set_logo'));
    await page.getByTestId('logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    expect((await logo).ok(), 'the logo is taken').toBe(true);
    await page.getByTestId('staff-close').click();

    await expect(page.getByTestId('welcome-line')).toHaveText('Welcome to Shoreditch Hub');
    await expect(page.getByTestId('bar-logo')).toBeVisible();
    const accent = await page.getByTestId('pin-button').evaluate((el) => getComputedStyle(el).color);
    expect(accent, 'the accent colour is the space’s').toBe('rgb(26, 127, 55)');
    await shot(page, 'branded');

    await changeSettings(request, { idle_timeout_seconds: 5 });
    await expect(page.getByTestId('attract')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('attract-logo')).toBeVisible();
    await expect(page.getByTestId('attract')).toContainText('Welcome to Shoreditch Hub');
    await axe(page, 'the attract screen (light)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await axe(page, 'the attract screen (dark)');
    await shot(page, 'attract-dark');
    await page.getByTestId('attract').click();
    await expect(page.getByTestId('attract')).toHaveCount(0);
    await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
  } finally {
    await changeSettings(request, { branding: before.branding, idle_timeout_seconds: before.idle_timeout_seconds });
    const session = await staffSession(request);
    await request.post(`${KIOSK}/api/staff_set_logo`, { data: { session, image: null } });
  }
});
