import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import { CAMERA_VIDEO } from './e2e/camera-video';

// The browser face in demo mode: `kiosk serve` with its own simulator on fixed loopback ports.
export const KIOSK = 'http://127.0.0.1:18080';
export const SIM = 'http://127.0.0.1:18788';
/** The same kiosk on every address, as on a lobby's network: HTTPS, and tablets pair. */
export const LAN_PORT = 18443;
/** A second kiosk on the same account (the demo simulator at SIM), set up by desk.spec.ts. */
export const SECOND = 'http://127.0.0.1:18082';
/** A kiosk as a new operator meets it (no demo, a fresh data folder), started to go to its own
 * account: a simulator of 2,000 members under the real limits (first-run.spec.ts). */
export const FRESH = 'http://127.0.0.1:18084';
export const FRESH_SIM = 'http://127.0.0.1:18790';
export const FRESH_DATA = '../test-output/first-run';
/** A real IPP badge printer (ippeveprinter), keeping what it prints in PRINTED. */
export const PRINTER = 'ipp://127.0.0.1:18631/ipp/print';
export const PRINTED = '../test-output/printed';

export default defineConfig({
  testDir: './e2e',
  outputDir: '../test-output/playwright',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  // Writes the fake camera's picture of a QR code before any browser starts.
  globalSetup: './e2e/camera-video.ts',
  projects: [
    { name: 'kiosk', testIgnore: /(lockout|camera)\.spec\.ts/ },
    {
      // A fake camera that shows a QR code, allowed without asking.
      name: 'camera',
      testMatch: /camera\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${resolve(CAMERA_VIDEO)}`,
          ],
        },
      },
    },
    // Locks the staff panel for 30 s, so it runs once everything else has.
    { name: 'lockout', testMatch: /lockout\.spec\.ts/, dependencies: ['kiosk', 'camera'] },
  ],
  use: {
    baseURL: KIOSK,
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      command: '../scripts/test-printer.sh 18631 ../test-output/printed',
      port: 18631,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command:
        '../target/debug/kiosk serve --demo --bind 127.0.0.1:18080 --sim-port 18788 --members 300 --ui-dir dist',
      url: `${KIOSK}/api/status`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { RUST_LOG: 'warn' },
    },
    {
      // A second kiosk, no account yet: desk.spec.ts logs it in to the first one's simulator.
      command: 'rm -rf ../test-output/second-kiosk && ../target/debug/kiosk serve --no-demo --bind 127.0.0.1:18082 --ui-dir dist --data-dir ../test-output/second-kiosk',
      url: `${SECOND}/api/status`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { RUST_LOG: 'warn' },
    },
    {
      command: '../target/debug/nexudus-sim --port 18790 --members 2000',
      url: `${FRESH_SIM}/_sim/switches`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { RUST_LOG: 'warn' },
    },
    {
      command: `rm -rf ${FRESH_DATA} && ../target/debug/kiosk serve --no-demo --bind 127.0.0.1:18084 --api-base ${FRESH_SIM} --ui-dir dist --data-dir ${FRESH_DATA}`,
      url: `${FRESH}/api/status`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { RUST_LOG: 'warn' },
    },
    {
      // Its certificate is made on first start in --data-dir (a new one each run: the
      // tests read it); paired kiosks' health is read every 2 s, not 30.
      command: `rm -rf ../test-output/lan-kiosk && ../target/debug/kiosk serve --demo --bind 0.0.0.0:${LAN_PORT} --sim-port 18789 --members 40 --ui-dir dist --data-dir ../test-output/lan-kiosk --peer-read-every 2s`,
      url: `https://127.0.0.1:${LAN_PORT}/api/status`,
      ignoreHTTPSErrors: true,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { RUST_LOG: 'warn' },
    },
  ],
});
