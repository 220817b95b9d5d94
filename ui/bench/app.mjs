// App-level figures of the release app under Xvfb, driven over WebDriver: cold start to the
// first tile on screen, and resident memory once the grid shows. Run from ui/ inside
// `xvfb-run -a -s "-screen 0 1280x800x24"`, after `cargo build --release -p nexudus-kiosk`:
//   node bench/app.mjs 5000     (members seeded by demo mode; about a quarter are on the grid)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const members = process.argv[2] ?? '5000';
const APP = resolve('../target/release/nexudus-kiosk');
const DRIVER = 'http://127.0.0.1:4444';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function wd(method, path, body) {
  const r = await fetch(DRIVER + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  return (await r.json()).value;
}

const driver = spawn('tauri-driver', [], { env: { ...process.env, KIOSK_DEMO: 'always', KIOSK_DEMO_MEMBERS: members, RUST_LOG: 'warn' }, stdio: 'ignore' });
for (let i = 0; i < 100; i++) {
  try { if ((await fetch(`${DRIVER}/status`)).ok) break; } catch { await sleep(100); }
}
const started = Date.now();
const { sessionId } = await wd('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } } });
let firstTile = null;
while (Date.now() - started < 120_000) {
  const found = await wd('POST', `/session/${sessionId}/elements`, { using: 'css selector', value: '[data-testid=tile]' });
  if (Array.isArray(found) && found.length) { firstTile = Date.now() - started; break; }
  await sleep(20);
}
const tiles = await wd('POST', `/session/${sessionId}/execute/sync`, { script: "return document.querySelectorAll('[data-testid=tile]').length", args: [] });
const pid = execFileSync('pgrep', ['-n', '-f', APP]).toString().trim();
const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
console.log(`${members} demo members: first tile after ${firstTile} ms (WebDriver session included); ${tiles} tiles rendered; app RSS ${(rss / 1024).toFixed(0)} MB (the kiosk process, with its demo simulator; WebKit's web process is separate)`);
let webRss = 0;
for (const p of execFileSync('pgrep', ['-f', 'WebKitWebProcess']).toString().trim().split('\n')) {
  try { webRss += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]); } catch {}
}
console.log(`  WebKit web process RSS ${(webRss / 1024).toFixed(0)} MB`);
await wd('DELETE', `/session/${sessionId}`);
driver.kill();
