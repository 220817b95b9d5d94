// Visitors' agreements and badges on a real IPP printer (ippeveprinter, started beside the
// kiosk): a walk-in reads the agreement in the screen's language, signs it with a finger, and
// reads that their badge is printing, then printed, in English and in Spanish; a returning
// visitor is not asked to sign again; staff find both signed copies and save one as a PDF;
// the printer received each on the labels staff chose; staff see the printer ready and the
// badges printed, and print one again; the badge's QR code, scanned, signs its visitor out.
import { readFileSync, existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { PRINTED, PRINTER } from '../playwright.config';
import { axe, changeSettings, eligible, openStaffPanel, settings, shot, signOnPad, staffSession } from './helpers';
import type { Agreement, BadgeDesk, SignedCopy } from '../src/lib/types';

/** The attributes of the printer's job `n`, once it has printed it. */
async function printedJob(n: number): Promise<string> {
  const env = `${PRINTED}/job-${n}.env`;
  await expect.poll(() => existsSync(env), { timeout: 15_000 }).toBe(true);
  return readFileSync(env, 'utf8');
}

async function walkIn(page: Page, name: string, host: string) {
  await page.getByTestId('visitor-button').click();
  await page.getByTestId('visitor-mode-walk_in').click();
  await page.getByTestId('walk-in-name').fill(name);
  await page.getByTestId('walk-in-email').fill(`${name.toLowerCase().replace(' ', '.')}@example.com`);
  await page.getByTestId('walk-in-company').fill('Analytical Engines');
  await page.getByTestId('walk-in-host').fill(host);
  await page.getByTestId('walk-in-host-option').filter({ hasText: host }).first().click();
  await page.getByTestId('walk-in-register').click();
}

const agreement: Agreement = {
  version: 2,
  text: 'Visitors wear their badge where reception can see it.',
  translations: { es: 'Las visitas llevan su credencial a la vista.' },
  keep_days: 30,
};

test('a walk-in signs the agreement and their badge prints on the labels staff chose, in the visitor’s language', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: { ...before.visitors, host_approval: false, agreement, badge_printer: PRINTER, badge_label: '62x100' },
  });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    await walkIn(page, 'Ada Lovelace', host.FullName);
    // Asked to sign first: the agreement in English, the pad below it.
    await expect(page.getByTestId('agreement-text')).toHaveText(agreement.text);
    await expect(page.getByTestId('agreement-sign'), 'nothing drawn: nothing to send').toBeDisabled();
    await axe(page, 'the agreement to sign');
    await shot(page, 'agreement-to-sign');
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    const result = page.getByTestId('visitor-result');
    await expect(result).toHaveAttribute('data-kind', 'arrived');
    // The sign-in answered first; the badge follows it.
    await expect(page.getByTestId('badge-state')).toHaveText('Your badge is printed: take it from the printer.', { timeout: 15_000 });
    const job = await printedJob(1);
    expect(job, 'on 62 × 100 mm labels').toContain('IPP_MEDIA=om_62x100mm_62x100mm');
    await axe(page, 'a visitor whose badge printed');
    await page.getByTestId('badge-state').scrollIntoViewIfNeeded();
    await shot(page, 'badge-printed');
    await page.keyboard.press('Escape');

    // In Spanish, as the visitor switched the screen to.
    await page.getByTestId('language-button').click();
    await walkIn(page, 'Grace Hopper', host.FullName);
    await expect(page.getByTestId('agreement-text'), 'the Spanish text').toHaveText(agreement.translations.es!);
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    await expect(page.getByTestId('badge-state')).toHaveText('Su credencial está impresa: recójala de la impresora.', { timeout: 15_000 });
    await printedJob(2);
    await page.keyboard.press('Escape');

    // Grace comes back: the same e-mail and name, this version signed: straight in.
    await walkIn(page, 'Grace Hopper', host.FullName);
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
    await expect(page.getByTestId('agreement')).toHaveCount(0);
    await printedJob(3);
    await page.keyboard.press('Escape');

    // Staff see the printer and the day's badges, and print Ada's again.
    const session = await staffSession(request);
    const desk = (await (await request.post('/api/staff_badges', { data: { session } })).json()) as BadgeDesk;
    expect(desk.condition).toBe('ready');
    const ada = desk.prints.find((p) => p.visitor_name === 'Ada Lovelace')!;
    expect(ada.state).toBe('printed');
    const again = await request.post('/api/staff_reprint_badge', { data: { session, visit: ada.visit } });
    expect(again.ok()).toBe(true);
    expect(await printedJob(4)).toContain('IPP_MEDIA=om_62x100mm_62x100mm');

    // Staff find the two signed copies, each in the language it was read in.
    const copies = (await (await request.post('/api/staff_signed_agreements', { data: { session, days: 30 } })).json()) as SignedCopy[];
    expect(copies.map((c) => [c.visitor_name, c.version, c.language]).sort()).toEqual([
      ['Ada Lovelace', 2, null],
      ['Grace Hopper', 2, 'es'],
    ]);

    // On the staff panel: the copies, Ada's saved as a PDF, and a new version of the agreement.
    await page.goto('/');
    await openStaffPanel(page);
    const kept = page.getByTestId('signed-agreements');
    await expect(kept.locator('li')).toHaveCount(2);
    const download = page.waitForEvent('download');
    await kept.locator('li', { hasText: 'Ada Lovelace' }).getByTestId('save-agreement').click();
    const file = await (await download).path();
    expect(readFileSync(file).subarray(0, 4).toString(), 'a PDF').toBe('%PDF');
    await expect(page.getByTestId('agreement-version')).toHaveText('Version 2');
    await page.getByTestId('agreement-new-version').click();
    await page.getByTestId('save-visitors').click();
    await expect.poll(async () => (await settings(request)).visitors.agreement?.version).toBe(3);
    await axe(page, 'the staff panel with agreements');

    // Ada leaves, showing her badge to the scanner (it types the QR code and Enter).
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-code').fill(`KIOSK-VISIT:${ada.visit}`);
    await page.getByTestId('visitor-code').press('Enter');
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'signed_out');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});

test('without a badge printer a visitor sees their badge on the screen, its code as an image', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, { visitors: { ...before.visitors, host_approval: false, agreement: null, badge_printer: null } });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    await walkIn(page, 'Katherine Johnson', host.FullName);
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
    await expect(page.getByTestId('badge-state'), 'no printer: nothing said of printing').toHaveCount(0);
    await page.getByTestId('show-badge').click();
    const badge = page.getByTestId('screen-badge');
    await expect(badge).toContainText('Katherine Johnson');
    await expect(badge).toContainText('Analytical Engines');
    await expect(badge, 'the host worded by the screen').toContainText(`Host: ${host.FullName}`);
    const qr = page.getByTestId('screen-badge-qr');
    await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the code is drawn').toBe(true);
    await axe(page, 'a badge on the screen');
    await badge.scrollIntoViewIfNeeded();
    await shot(page, 'badge-on-screen');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});
