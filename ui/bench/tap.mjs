// From a tap on a tile to the result card painted, in Debian's Chromium against `kiosk serve`
// (release build) with 10,000 members: median and p99 over 200 taps. The Tauri window's figure
// comes from bench/app.mjs --taps. Run from ui/: `node bench/tap.mjs [--members 10000] [--taps 200]`
// after `cargo build --release -p kiosk-web` and `npm run build`.
import { launchChromium, openGrid, startDemoKiosk } from './browser.mjs';
import { TAP_SCRIPT, partsLine, slowest, tapLine } from './tapping.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const MEMBERS = Number(arg('members', '10000'));
const TAPS = Number(arg('taps', '200'));
const PORT = 18181;
const server = await startDemoKiosk(MEMBERS, PORT);
const browser = await launchChromium();
try {
  const { page, tiles } = await openGrid(browser, PORT);
  // Playwright's evaluate takes a function; the WebDriver-style script is wrapped in one.
  const answer = await page.evaluate(
    ([script, n]) => new Promise((resolve) => new Function(script)(n, resolve)),
    [TAP_SCRIPT, TAPS],
  );
  if (!answer || !Array.isArray(answer.times)) throw new Error(JSON.stringify(answer));
  console.log(tapLine(`Chromium, ${tiles} tiles (${MEMBERS} members seeded)`, answer.times));
  console.log(partsLine(answer.parts));
  console.log(slowest(answer.parts));
} finally {
  await browser.close();
  server.kill();
}
