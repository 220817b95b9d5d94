// App-level figure: DOM nodes while scrolling 10,000 tiles, in Debian's Chromium against
// `kiosk serve --demo` (release build). Run from ui/: `node bench/dom.mjs` after
// `cargo build --release -p kiosk-web` and `npm run build`.
import { launchChromium, openGrid, startDemoKiosk } from './browser.mjs';

const PORT = 18180;
const server = await startDemoKiosk(45000, PORT);
const browser = await launchChromium();
try {
  const { page, tiles } = await openGrid(browser, PORT);
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
