// What the Chromium benches share: a release `kiosk serve` in demo mode on a port of its own,
// and Debian's Chromium as the tests run it.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

/** Starts `kiosk serve --demo` with `members` seeded on `port`; resolves once it listens. */
export async function startDemoKiosk(members, port) {
  const server = spawn('../target/release/kiosk', ['serve', '--demo', '--members', String(members), '--bind', `127.0.0.1:${port}`, '--ui-dir', 'dist'], {
    env: { ...process.env, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => server.stdout.on('data', (d) => String(d).includes('listening') && resolve()));
  return server;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A 1280x800 page on the kiosk at `port` once its grid shows; answers it with the grid's size. */
export async function openGrid(browser, port) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('[data-testid=tile]');
  const tiles = await page.evaluate(async () => (await (await fetch('/api/grid')).json()).length);
  return { page, tiles };
}
