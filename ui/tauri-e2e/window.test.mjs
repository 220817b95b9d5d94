// The real Tauri window, driven over WebDriver (tauri-driver + WebKitWebDriver, under Xvfb):
// start in demo mode, tap a tile, see the welcome screen, and see the check-in reach the
// simulator. Run by scripts/test.sh through scripts/tauri-window-test.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const APP = resolve(process.env.KIOSK_APP ?? '../target/debug/nexudus-kiosk');
const DRIVER = 'http://127.0.0.1:4444';
const SIM_PORT = 18799;
const SIM = `http://127.0.0.1:${SIM_PORT}`;
const SHOTS = resolve('../test-output/screenshots');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, probe, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function wd(method, path, body) {
  const r = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

test('the kiosk window checks a member in, the tile shows it, and the simulator receives it', { timeout: 120_000 }, async () => {
  const driver = spawn('tauri-driver', [], {
    // WebKitGTK's own test camera: the machine has none.
    env: { ...process.env, KIOSK_DEMO: 'always', KIOSK_DEMO_SIM_PORT: String(SIM_PORT), KIOSK_MOCK_CAMERA: '1', RUST_LOG: 'warn' },
    stdio: 'inherit',
  });
  let session;
  try {
    await until('tauri-driver', async () => (await fetch(`${DRIVER}/status`)).ok);
    session = (
      await wd('POST', '/session', {
        capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
      })
    ).sessionId;
    const s = `/session/${session}`;
    const tile = await until('a member tile', async () => {
      const found = await wd('POST', `${s}/elements`, { using: 'css selector', value: '[data-testid=tile]' });
      return found[0];
    });
    const member = Number(await wd('GET', `${s}/element/${tile[ELEMENT]}/attribute/data-member`));
    await wd('POST', `${s}/element/${tile[ELEMENT]}/click`, {});
    const result = await until('the welcome screen', async () => {
      const found = await wd('POST', `${s}/elements`, { using: 'css selector', value: '[data-testid=result]' });
      return found[0];
    });
    assert.equal(await wd('GET', `${s}/element/${result[ELEMENT]}/attribute/data-kind`), 'welcome');
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(`${SHOTS}/tauri-welcome.png`, Buffer.from(await wd('GET', `${s}/screenshot`), 'base64'));
    const run = (script) => wd('POST', `${s}/execute/sync`, { script, args: [] });
    assert.equal(
      await run("return document.activeElement && document.activeElement.getAttribute('data-testid')"),
      'result-close',
      'the card takes the focus (Enter or Escape close it)',
    );
    await wd('POST', `${s}/element/${result[ELEMENT]}/click`, {});
    // The tile patches itself from the tap's event: marked in, with its time.
    await until('the tile marked in', () =>
      run(`return !!document.querySelector('[data-testid=tile][data-member="${member}"] [data-testid=in-badge]')`),
    );
    assert.ok(await run("return document.querySelector('[data-testid=greeting]')?.textContent"), 'the first screen says what to do');
    const sent = await until('the check-in on the simulator', async () => {
      const state = await (await fetch(`${SIM}/_sim/state`)).json();
      const stored = state.checkins.find((c) => c.CoworkerId === member);
      // What the kiosk sent: the simulator keeps no Source by default (an open point).
      const post = state.requests.find(
        (r) => r.method === 'POST' && r.path === '/api/spaces/checkins' && r.body?.CoworkerId === member,
      );
      return stored && post;
    });
    assert.equal(sent.body.Source, 4, 'a tile check-in is sent as Source 4');

    // The page may open a camera (a visitor's photo, an invitation's QR code): the app lets
    // video in; here WebKitGTK's test camera stands in for the tablet's.
    const camera = await wd('POST', `${s}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        (async () => {
          const kinds = (await navigator.mediaDevices.enumerateDevices()).map((d) => d.kind);
          const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
          const video = document.createElement('video');
          video.muted = true;
          video.srcObject = stream;
          await video.play();
          while (video.videoWidth === 0) await new Promise((r) => setTimeout(r, 50));
          const size = video.videoWidth + 'x' + video.videoHeight;
          stream.getTracks().forEach((t) => t.stop());
          return { kinds, size };
        })().then(done, (e) => done({ error: e.name + ': ' + e.message }));`,
      args: [],
    });
    assert.equal(camera.error, undefined, 'the camera opens in the window');
    assert.ok(camera.kinds.includes('videoinput'), `a camera is listed: ${camera.kinds}`);
    assert.match(camera.size, /^\d+x\d+$/, 'and gives pictures');

    // The page saves a file (staff saving a signed agreement's PDF) into the Downloads folder.
    const name = `kiosk-window-test-${process.pid}.pdf`;
    const saved = resolve(process.env.HOME ?? '/root', 'Downloads', name);
    rmSync(saved, { force: true });
    await run(`const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob(['%PDF-1.7 a test'], { type: 'application/pdf' }));
      link.download = ${JSON.stringify(name)};
      document.body.append(link);
      link.click();
      link.remove();`);
    await until('the file saved in Downloads', () => existsSync(saved) && readFileSync(saved, 'utf8').startsWith('%PDF'));
    rmSync(saved, { force: true });
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
  }
});
