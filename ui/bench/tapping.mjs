// The tap-to-paint measurement, run inside the page (Chromium through Playwright, the Tauri
// window through WebDriver): `n` taps on tiles of members who are not in, each timed from the
// click to the result card painted, then the card closed. "Painted": a MutationObserver sees the
// card enter the DOM at once; the next animation frame's callback runs before that frame is
// painted, and a task queued from it runs right after the paint.
// Answers the times in ms. As a WebDriver async script: arguments[0] = n, last = done.
export const TAP_SCRIPT = `
const n = arguments[0];
const done = arguments[arguments.length - 1];
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const until = async (test) => { while (!test()) await frame(); };
const appears = (selector) => new Promise((resolve) => {
  if (document.querySelector(selector)) return resolve();
  const seen = new MutationObserver(() => {
    if (document.querySelector(selector)) { seen.disconnect(); resolve(); }
  });
  seen.observe(document.body, { childList: true, subtree: true });
});
const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
(async () => {
  const grid = document.querySelector('[data-testid=grid]');
  const times = [];
  for (let i = 0; i < n; i++) {
    let tile = document.querySelector('[data-testid=tile]:not(.in)');
    while (!tile) {
      grid.scrollBy(0, grid.clientHeight);
      await frame();
      await frame();
      tile = document.querySelector('[data-testid=tile]:not(.in)');
    }
    const shown = appears('[data-testid=result]');
    const start = performance.now();
    tile.click();
    await shown;
    await painted();
    times.push(performance.now() - start);
    document.querySelector('[data-testid=result]').click();
    await until(() => !document.querySelector('[data-testid=result]'));
    await frame();
  }
  return times;
})().then(done, (e) => done({ error: String(e) }));
`;

/** Median and 99th percentile (nearest rank) of a list of times. */
export function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p99: at(0.99), worst: sorted[sorted.length - 1] };
}

/** The first taps after the page loads (the engine compiles the card's code, the first request
 * opens its connection), told apart from the kiosk's steady state, which is what members feel
 * all day long. Both are printed; neither is hidden. */
export const WARM_UP = 3;

/** One line for the taps: the first ones, then the steady state's median, p99 and worst. */
export function tapLine(where, times) {
  const s = summary(times.slice(WARM_UP));
  const first = times.slice(0, WARM_UP).map((t) => t.toFixed(0)).join(', ');
  return `tap to result painted, ${where}: first ${WARM_UP} taps ${first} ms; then median ${s.median.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, worst ${s.worst.toFixed(1)} ms over ${s.n} taps`;
}
