// First impression in numbers (issue 26, point 7): Lighthouse on the member screen (a page
// load, as a phone and as a desktop) and on the staff desk (the screen as staff open it: its
// accessibility and best practices), against a demo kiosk this script starts. Prints each
// score and the layout shift, and exits 1 when one misses its target:
//   performance >= 95, CLS <= 0.05, accessibility and best practices 100.
//
//   node bench/lighthouse.mjs            (from ui/, after `npm run build` and a kiosk build)
//   KIOSK_BIN=../target/release/kiosk node bench/lighthouse.mjs
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import lighthouse, { startFlow } from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import puppeteer from 'puppeteer-core';

const PORT = 18190;
const PAGE = `http://127.0.0.1:${PORT}/`;
const STAFF_PIN = '1234';
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100 };
const CLS_TARGET = 0.05;

const kiosk = spawn(
  process.env.KIOSK_BIN ?? '../target/debug/kiosk',
  ['serve', '--demo', '--bind', `127.0.0.1:${PORT}`, '--sim-port', '18791', '--members', '300', '--ui-dir', 'dist'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
);
const stop = () => kiosk.kill('SIGTERM');
process.on('exit', stop);

async function ready() {
  for (let i = 0; i < 120; i++) {
    try {
      const status = await (await fetch(`${PAGE}api/status`)).json();
      if (status.members > 0 && status.location) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error('the demo kiosk did not start');
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

const failures = [];
/** Prints a report's categories (and CLS, where it loaded the page), and notes what missed. */
function report(name, lhr) {
  const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
  const cls = lhr.audits['cumulative-layout-shift']?.numericValue;
  const parts = Object.entries(scores).map(([id, s]) => `${id} ${s}`);
  if (cls !== undefined) parts.push(`CLS ${cls.toFixed(3)}`);
  console.log(`${name.padEnd(34)} ${parts.join(', ')}`);
  for (const [id, score] of Object.entries(scores)) {
    if (score < TARGETS[id]) {
      failures.push(`${name}: ${id} ${score} < ${TARGETS[id]}`);
      const misses = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && lhr.categories[id].auditRefs.some((r) => r.id === a.id && r.weight > 0))
        .map((a) => `    ${a.id}: ${a.displayValue ?? a.score}`);
      console.log(misses.join('\n'));
    }
  }
  if (cls !== undefined && cls > CLS_TARGET) failures.push(`${name}: CLS ${cls.toFixed(3)} > ${CLS_TARGET}`);
}

try {
  await ready();
  const port = Number(new URL(browser.wsEndpoint()).port);
  const categories = ['performance', 'accessibility', 'best-practices'];
  const mobile = await lighthouse(PAGE, { port, output: 'json', logLevel: 'error', onlyCategories: categories });
  report('member screen, mobile', mobile.lhr);
  const desktop = await lighthouse(PAGE, { port, output: 'json', logLevel: 'error', onlyCategories: categories }, desktopConfig);
  report('member screen, desktop', desktop.lhr);

  // The staff desk: opened as staff open it (the gear, the PIN, "Open the staff desk").
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const flow = await startFlow(page, { config: desktopConfig, flags: { onlyCategories: ['accessibility', 'best-practices'] } });
  await page.goto(PAGE);
  await page.waitForSelector('[data-testid=staff-button]');
  await page.click('[data-testid=staff-button]');
  for (const d of STAFF_PIN) await page.click(`[data-testid=pin-key-${d}]`);
  await page.click('[data-testid=pin-submit]');
  await page.waitForSelector('[data-testid=open-desk]');
  await page.click('[data-testid=open-desk]');
  await page.waitForSelector('[data-testid=staff-desk]');
  await sleep(1000);
  await flow.snapshot({ name: 'staff desk' });
  const desk = (await flow.createFlowResult()).steps[0].lhr;
  report('staff desk, desktop (snapshot)', desk);
} finally {
  await browser.close();
  stop();
}

if (failures.length > 0) {
  console.log(`\nMissed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nEvery target met.');
