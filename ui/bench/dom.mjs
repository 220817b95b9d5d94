// App-level figure: DOM nodes while scrolling 10,000 tiles, in Debian's Chromium against
// `kiosk serve --demo` (release build). Run from ui/: `node bench/dom.mjs` after
// `cargo build --release -p kiosk-web` and `npm run build`.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const PORT = 18180;
const server = spawn('../target/release/kiosk', ['serve', '--demo', '--members', '45000', '--bind', `127.0.0.1:${PORT}`, '--ui-dir', 'dist'], {
  env: { ...process.env, RUST_LOG: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => server.stdout.on('data', (d) => String(d).includes('listening') && resolve()));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.waitForSelector('[data-testid=tile]');
  const tiles = await page.evaluate(async () => (await (await fetch('/api/grid')).json()).length);
  let most = 0;
  const scroller = page.getByTestId('grid');
  const height = await scroller.evaluate((el) => el.scrollHeight);
  for (let top = 0; top <= height; top += Math.max(1, Math.floor(height / 60))) {
    await scroller.evaluate((el, y) => el.scrollTo(0, y), top);
    await page.waitForTimeout(20);
    most = Math.max(most, await page.evaluate(() => document.querySelectorAll('*').length));
  }
  console.log(`DOM nodes while scrolling ${tiles} tiles: at most ${most} (60 scroll positions)`);
} finally {
  await browser.close();
  server.kill();
}
