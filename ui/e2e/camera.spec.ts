// A visitor shows their invitation's QR code to the tablet's camera (the browser face): the
// code is read in the page and the visitor signed in. Chromium's fake camera plays a picture of
// the code (camera-video.ts); the invitation is made in Nexudus just before, so the kiosk finds
// it online by its code.
import { expect, test } from '@playwright/test';
import type { Status } from '../src/lib/types';
import { SIM } from '../playwright.config';
import { CAMERA_CODE } from './camera-video';
import { axe, eligible, simVisitors } from './helpers';

test('a visitor shows the QR code of their invitation to the camera and is signed in', async ({ page, request }) => {
  const home = ((await (await request.get('/api/status')).json()) as Status).location!.id;
  const host = (await eligible(request))[0]!;
  const token = await request.post(`${SIM}/api/token`, {
    headers: { client_id: 'e2e-reception' },
    form: { grant_type: 'password', username: 'kiosk@demo.nexudus-sim.local', password: 'demo-kiosk' },
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const invite = await request.post(`${SIM}/api/spaces/visitors`, {
    headers: { authorization: `Bearer ${access_token}` },
    data: {
      BusinessId: home,
      FullName: 'Quinn Camera',
      Email: 'quinn@example.com',
      ExpectedArrival: new Date().toISOString(),
      CoworkerId: host.Id,
      VisitorCode: CAMERA_CODE,
    },
  });
  expect(invite.ok(), 'the invitation is made in Nexudus').toBe(true);

  await page.goto('/');
  await page.getByTestId('visitor-button').click();
  await page.getByTestId('visitor-camera').click();
  await expect(page.getByTestId('qr-camera')).toBeVisible();
  await axe(page, 'the camera on the visitors desk');
  const result = page.getByTestId('visitor-result');
  await expect(result, 'read from the camera and signed in').toHaveAttribute('data-kind', 'arrived', { timeout: 20_000 });
  await expect(result).toContainText('Quinn');
  await expect(page.getByTestId('qr-camera'), 'the camera stops once the code is read').toHaveCount(0);
  await expect
    .poll(async () => (await simVisitors(request)).find((v) => v.FullName === 'Quinn Camera')?.Arrived, { timeout: 30_000 })
    .toBe(true);
});
