// The space's own look, set by staff in the panel: a logo, an accent colour, a welcome line, and
// the attract screen after idle. Left as found at the end (the other tests share the kiosk).
import { createServer } from 'node:http';
import { deflateSync } from 'node:zlib';
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

/** A 32x32 PNG of a soft gradient in a colour of the member's own: a stand-in portrait. */
function portrait(seed: number): Buffer {
  const size = 32;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  const hue = (seed * 47) % 255;
  const rows = Array.from({ length: size }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: size }, (_, x) => [hue, 120 + y * 3, 220 - x * 3]).flat()]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('members’ photos, switched on by staff, come through the kiosk: the screen never asks the photo host', async ({ page, request }) => {
  const asked: string[] = [];
  const host = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(portrait(Number(/(\d+)/.exec(req.url ?? '')?.[1] ?? 0)));
  });
  await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
  const { port } = host.address() as { port: number };
  const before = await settings(request);
  const seen: string[] = [];
  page.on('request', (r) => seen.push(r.url()));
  try {
    await changeSettings(request, { photo_url: `http://127.0.0.1:${port}/photos/{id}.png` });
    await page.goto('/');
    const photo = page.getByTestId('tile-photo').first();
    await expect(photo).toBeVisible({ timeout: 15_000 });
    expect(await photo.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // Lazily: the tiles drawn, a burst at most, not the location's thousands.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThanOrEqual(10);
    expect(seen.filter((u) => u.includes(`:${port}/`)), 'the screen never contacts the photo host').toEqual([]);
    await shot(page, 'photos');
  } finally {
    await changeSettings(request, { photo_url: before.photo_url });
    host.close();
  }
  await page.reload();
  await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
  await expect(page.getByTestId('tile-photo'), 'switched off: initials again').toHaveCount(0);
});
