// The tap-to-paint measurement, run inside the page (Chromium through Playwright, the Tauri
// window through WebDriver): `n` taps on tiles of members who are not in, each timed from the
// click to the result card painted, then the card closed. "Painted": a MutationObserver sees the
// card enter the DOM at once; the next animation frame's callback runs before that frame is
// painted, and a task queued from it runs right after the paint.
// Each tap is on a member not tapped before in the run (until 2026-11-30 the script took the first
// tile not marked in, so after the first refusal it tapped that member again and again, and the
// core answered from its double-tap memory: no write, no event; most of the figures before then
// measured that). Each tap is also split where its time goes: until the tap call's answer
// arrives (the Tauri window's ipc:// requests go through `window.fetch`; the browser's transport
// keeps the fetch it started with, so there the resource timing tells), until the card is in the
// DOM, until it is painted; and which other requests the page made meanwhile (Tauri only).
// Answers { times, parts } in ms. As a WebDriver async script: arguments[0] = n, last = done.
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
const requests = [];
const fetched = window.fetch;
window.fetch = function (url, init) {
  const seen = { body: String(url) + ' ' + String((init && init.body) || ''), start: performance.now(), end: 0 };
  requests.push(seen);
  const answer = fetched.apply(this, arguments);
  answer.then(() => { seen.end = performance.now(); }, () => { seen.end = performance.now(); });
  return answer;
};
const isTap = (r) => r.body.includes('"call":"tap"') || r.body.includes('/api/tap ');
(async () => {
  const grid = document.querySelector('[data-testid=grid]');
  const times = [];
  const parts = [];
  const tapped = new Set();
  for (let i = 0; i < n; i++) {
    // A member refused stays "not in": never the same member twice.
    const fresh = () => [...document.querySelectorAll('[data-testid=tile]:not(.in)')]
      .find((t) => !tapped.has(t.dataset.member));
    let tile = fresh();
    while (!tile) {
      grid.scrollBy(0, grid.clientHeight);
      await frame();
      await frame();
      tile = fresh();
    }
    tapped.add(tile.dataset.member);
    const shown = appears('[data-testid=result]');
    requests.length = 0;
    const start = performance.now();
    tile.click();
    await shown;
    const inDom = performance.now() - start;
    await painted();
    const total = performance.now() - start;
    times.push(total);
    const timed = performance.getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/api/tap') && e.startTime >= start);
    const tap = requests.find(isTap)
      || (timed.length ? { body: 'tap', end: timed[timed.length - 1].responseEnd } : undefined);
    performance.clearResourceTimings();
    parts.push({
      total,
      answered: tap && tap.end ? tap.end - start : -1,
      inDom,
      kind: document.querySelector('[data-testid=result]').dataset.kind,
      others: requests.filter((r) => r !== tap).map((r) => r.body.slice(0, 40)),
    });
    document.querySelector('[data-testid=result]').click();
    await until(() => !document.querySelector('[data-testid=result]'));
    await frame();
  }
  window.fetch = fetched;
  return { times, parts };
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

/** The slowest steady taps, split: where their time went. */
export function slowest(parts, count = 5) {
  return parts
    .slice(WARM_UP)
    .sort((a, b) => b.total - a.total)
    .slice(0, count)
    .map((p) => `  ${p.total.toFixed(1)} ms (${p.kind}): tap answered at ${p.answered.toFixed(1)}, card in DOM at ${p.inDom.toFixed(1)}; other requests: ${p.others.length ? p.others.join(' | ') : 'none'}`)
    .join('\n');
}

/** Medians of the steady taps' parts. */
export function partsLine(parts) {
  const steady = parts.slice(WARM_UP);
  const med = (key) => summary(steady.map((p) => p[key])).median.toFixed(1);
  const kinds = {};
  for (const p of steady) kinds[p.kind] = (kinds[p.kind] || 0) + 1;
  return `  cards: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}; steady medians: tap answered at ${med('answered')} ms, card in DOM at ${med('inDom')} ms, painted at ${med('total')} ms`;
}
