// Visitors at the front desk: an expected guest signs in with the code from their invitation,
// typed or typed by a 2D scanner reading its QR code, or by finding their name, and signs out;
// walk-ins register and wait for their host, who answers through the simulator's admin API.
// Nexudus hears of each.
import { expect, test } from '@playwright/test';
import type { SignedCopy, Status } from '../src/lib/types';
import { answerHost, axe, changeSettings, eligible, settings, shot, signOnPad, simVisitors, staffSession, inviteGuest } from './helpers';

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

test('a visitor without their code finds their own name and signs in', async ({ page, request }) => {
  const home = ((await (await request.get('/api/status')).json()) as Status).location!.id;
  const guest = (await simVisitors(request)).find((v) => v.BusinessId === home && !v.Arrived);
  expect(guest, 'a guest of today still to arrive').toBeDefined();
  await page.goto('/');
  await page.getByTestId('visitor-button').click();
  await page.getByTestId('visitor-mode-name').click();
  const first = guest!.FullName.split(' ')[0]!;
  await page.getByTestId('visitor-find').fill(first);
  await page.getByTestId('visitor-find-go').click();
  const found = page.getByTestId('visitor-found-item');
  await expect(found, 'only those whose name starts so: never a list of guests').toHaveCount(1);
  await expect(found).toContainText(first);
  await found.click();
  await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
  await expect
    .poll(async () => (await simVisitors(request)).find((v) => v.Id === guest!.Id)?.Arrived, { timeout: 30_000 })
    .toBe(true);
});

test('a walk-in is approved by their host and another declined; each sees the answer', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: {
      ...before.visitors,
      host_approval: true,
      agreement: { version: 1, text: 'Please wear your visitor badge at all times.', translations: {}, keep_days: 30 },
    },
  });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    const result = page.getByTestId('visitor-result');

    async function walkIn(name: string) {
      await page.getByTestId('visitor-button').click();
      await page.getByTestId('visitor-mode-walk_in').click();
      await page.getByTestId('walk-in-name').fill(name);
      await page.getByTestId('walk-in-email').fill(`${name.toLowerCase().replace(' ', '.')}@example.com`);
      await page.getByTestId('walk-in-company').fill('Walk-in Ltd');
      await page.getByTestId('walk-in-host').fill(host.FullName);
      await page.getByTestId('walk-in-host-option').filter({ hasText: host.FullName }).first().click();
      await page.getByTestId('walk-in-register').click();
      await expect(page.getByTestId('agreement-text')).toContainText('visitor badge');
      await signOnPad(page);
      await page.getByTestId('agreement-sign').click();
      await expect(result, 'the host is asked first').toHaveAttribute('data-kind', 'waiting');
      let id: number | undefined;
      await expect
        .poll(async () => (id = (await simVisitors(request)).find((v) => v.FullName === name)?.Id), { timeout: 30_000 })
        .toBeDefined();
      return id!;
    }

    const ada = await walkIn('Ada Walkin');
    await shot(page, 'walk-in-waiting');
    await answerHost(request, ada, true);
    await expect(result, 'the screen follows the answer').toHaveAttribute('data-kind', 'arrived', { timeout: 20_000 });
    await expect(result).toContainText(host.FullName);
    await page.keyboard.press('Escape');

    const dee = await walkIn('Dee Walkin');
    // Dee steps aside: the kiosk is free, and the strip follows her.
    await page.getByTestId('visitor-step-aside').click();
    await expect(page.getByTestId('visitor-desk')).toHaveCount(0);
    const strip = page.getByTestId('waiting-strip');
    await expect(strip.locator('li[data-kind=waiting]')).toContainText('Dee');
    await answerHost(request, dee, false);
    await expect(strip.locator('li[data-kind=declined]'), 'declined: please see reception').toContainText('Dee', { timeout: 20_000 });
    await shot(page, 'walk-in-declined-strip');
    await expect
      .poll(async () => (await simVisitors(request)).filter((v) => v.Id === ada || v.Id === dee).map((v) => [v.FullName, v.Arrived]), {
        timeout: 30_000,
      })
      .toEqual([
        ['Ada Walkin', true],
        ['Dee Walkin', false],
      ]);
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});

test('the walk-in form passes axe, and a tap on the pad is not a signature', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: { ...before.visitors, agreement: { version: 1, text: 'Please wear your visitor badge.', translations: {}, keep_days: 30 } },
  });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-mode-walk_in').click();
    await axe(page, 'the walk-in form');
    await page.getByTestId('walk-in-name').fill('Tap Only');
    await page.getByTestId('walk-in-email').fill('tap.only@example.com');
    await page.getByTestId('walk-in-host').fill(host.FullName);
    await page.getByTestId('walk-in-host-option').filter({ hasText: host.FullName }).first().click();
    await page.getByTestId('walk-in-register').click();
    const pad = page.getByTestId('agreement-pad');
    await pad.click({ position: { x: 30, y: 30 } });
    await page.getByTestId('agreement-sign').click();
    await expect(page.getByRole('alert')).toHaveText('Please sign across the box.');
    await axe(page, 'the agreement with its refusal');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});

test('a returning walk-in shows a previous badge and finds the form filled; their e-mail and name fill the company', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: {
      ...before.visitors,
      host_approval: false,
      badge_printer: null,
      remember_days: 30,
      agreement: { version: 1, text: 'Please wear your visitor badge.', translations: {}, keep_days: 30 },
    },
  });
  try {
    const host = (await eligible(request))[0]!;
    await page.goto('/');
    const form = async () => {
      await page.getByTestId('walk-in-host').fill(host.FullName);
      await page.getByTestId('walk-in-host-option').filter({ hasText: host.FullName }).first().click();
      await page.getByTestId('walk-in-register').click();
    };
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-mode-walk_in').click();
    await page.getByTestId('walk-in-name').fill('Hedy Lamarr');
    await page.getByTestId('walk-in-email').fill('hedy@example.com');
    await page.getByTestId('walk-in-company').fill('Frequency Hopping');
    await form();
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    const result = page.getByTestId('visitor-result');
    await expect(result).toHaveAttribute('data-kind', 'arrived');
    await page.keyboard.press('Escape');

    // Her badge names her visit; shown to the scanner it signs her out, then brings her back.
    const session = await staffSession(request);
    const copies = (await (await request.post('/api/staff_signed_agreements', { data: { session, days: 1 } })).json()) as SignedCopy[];
    const badge = `KIOSK-VISIT:${copies.find((c) => c.visitor_name === 'Hedy Lamarr')!.visit}`;
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-code').fill(badge);
    await page.getByTestId('visitor-code').press('Enter');
    await expect(result).toHaveAttribute('data-kind', 'signed_out');
    await page.getByTestId('visitor-code').fill(badge);
    await page.getByTestId('visitor-code').press('Enter');
    await expect(page.getByTestId('walk-in-welcome-back')).toBeVisible();
    await expect(page.getByTestId('walk-in-name')).toHaveValue('Hedy Lamarr');
    await expect(page.getByTestId('walk-in-company')).toHaveValue('Frequency Hopping');
    await expect(page.getByTestId('walk-in-email'), 'her e-mail is not shown').toHaveValue('');
    await axe(page, 'a returning walk-in’s form');
    await form();
    await expect(result, 'in again, the agreement signed already').toHaveAttribute('data-kind', 'arrived');
    await page.keyboard.press('Escape');

    // Another day she types her e-mail and name: the company follows; the e-mail alone does not.
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-mode-walk_in').click();
    await page.getByTestId('walk-in-email').fill('hedy@example.com');
    await page.getByTestId('walk-in-name').focus();
    await expect(page.getByTestId('walk-in-company')).toHaveValue('');
    await page.getByTestId('walk-in-name').fill('Hedy Lamarr');
    await page.getByTestId('walk-in-email').focus();
    await expect(page.getByTestId('walk-in-company')).toHaveValue('Frequency Hopping');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});

test('an invited guest reads the agreement in Portuguese, signs, is in, and Nexudus notes it', async ({ page, request }) => {
  const before = await settings(request);
  await changeSettings(request, {
    visitors: {
      ...before.visitors,
      badge_printer: null,
      agreement: { version: 5, text: 'Wear your badge.', translations: { pt: 'Use a sua credencial à vista.' }, keep_days: 30 },
    },
  });
  try {
    await inviteGuest(request, 'Rosalind Franklin', 'AGR555');
    await page.goto('/');
    await page.getByTestId('language-button').click();
    await page.getByTestId('language-button').click();
    await page.getByTestId('visitor-button').click();
    await page.getByTestId('visitor-code').fill('AGR555');
    await page.getByTestId('visitor-sign-in').click();
    await expect(page.getByTestId('agreement-text')).toHaveText('Use a sua credencial à vista.');
    await signOnPad(page);
    await page.getByTestId('agreement-sign').click();
    await expect(page.getByTestId('visitor-result')).toHaveAttribute('data-kind', 'arrived');
    await expect
      .poll(async () => (await simVisitors(request)).find((v) => v.FullName === 'Rosalind Franklin')?.Notes ?? '', { timeout: 30_000 })
      .toContain('Signed the visitor agreement version 5 at the kiosk');
  } finally {
    await changeSettings(request, { visitors: before.visitors });
  }
});
