// The screen on every device (issue 27, points 1 and 3): no screen scrolls sideways at 320,
// 360, 768, 1024 or 1280 px, in any of the five languages, and no English shows on a screen in
// another language. Staff take a phone out for the roll-call during an
// evacuation: the desk works at 360x640, its tables reflow or scroll in their own box, and its
// tabs take at most 15% of the height.
import { expect, test, type Page } from '@playwright/test';
import { STAFF_PIN } from './helpers';
import { en } from '../src/lib/locales/en';

const WIDTHS = [320, 360, 768, 1024, 1280];
const LOCALES = ['en-GB', 'es-ES', 'pt-PT', 'fr-FR', 'de-DE'];

/** The English the UI could show by mistake: each message's words between its placeholders,
 * long enough not to be a name; and the small words no other of these languages uses. */
const ENGLISH = Object.values(en)
  .flatMap((m) => m.split(/\{\w+\}/))
  .map((f) => f.trim())
  .filter((f) => f.length >= 12);
const ENGLISH_WORDS = /\b(the|and|please|your|with|cannot|is not|was)\b/i;

/** English words on a screen meant for another language. */
async function english(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const found = ENGLISH.filter((f) => text.includes(f));
  const word = text.split('\n').find((line) => ENGLISH_WORDS.test(line));
  if (word) found.push(word);
  return found.slice(0, 3).map((f) => `English: “${f.slice(0, 60)}”`);
}

/** What sticks out past the right edge of the window: the page's own width, and each element
 * whose box ends past it (outside a box that scrolls on its own). */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    const scrollsOnItsOwn = (e: Element | null): boolean => {
      // A box that scrolls sideways on its own (a table, the desk's tabs) holds what is
      // wider than it; one that hides it cuts it off, which is no better than a page that scrolls.
      for (let p = e?.parentElement; p; p = p.parentElement) {
        const x = getComputedStyle(p).overflowX;
        // Only a box made to scroll sideways counts (a table, the tabs): a whole view that
        // scrolls sideways is the page scrolling under another name.
        if (x === 'auto' || x === 'scroll') return p.tagName === 'TABLE' || p.tagName === 'NAV';
      }
      return false;
    };
    for (const e of Array.from(document.querySelectorAll('body *'))) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
      if (r.right > width + 1 && !scrollsOnItsOwn(e)) {
        const id = e.getAttribute('data-testid') ?? e.className.toString().split(' ')[0] ?? '';
        out.push(`${e.tagName.toLowerCase()}${id ? `.${id}` : ''} ends at ${Math.round(r.right)} px`);
      }
    }
    return out.slice(0, 5);
  });
}

async function staffPanel(page: Page) {
  await page.getByTestId('staff-button').click();
  for (const d of STAFF_PIN) await page.getByTestId(`pin-key-${d}`).click();
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('staff-panel')).toBeVisible();
}

for (const locale of LOCALES) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });
    for (const width of WIDTHS) {
      test(`no screen scrolls sideways at ${width} px`, async ({ page }) => {
        await page.setViewportSize({ width, height: width < 768 ? 640 : 800 });
        const found: string[] = [];
        const started = Date.now();
        const check = async (screen: string) => {
          if (process.env.OVERFLOW_DEBUG) console.log(`${Date.now() - started} ms: ${screen}`);
          for (const o of await overflow(page)) found.push(`${screen}: ${o}`);
          if (!locale.startsWith('en')) for (const e of await english(page)) found.push(`${screen}: ${e}`);
        };
        await page.goto('/');
        await expect(page.getByTestId('tile').first()).toBeVisible();
        await check('the grid');
        await page.getByTestId('pin-button').click();
        await expect(page.getByTestId('pin-submit')).toBeVisible();
        await check('the PIN pad');
        await page.keyboard.press('Escape');
        await page.getByTestId('visitor-button').click();
        await expect(page.getByTestId('visitor-mode-code')).toBeVisible();
        for (const mode of await page.locator('[data-testid^=visitor-mode-]').all()) {
          await mode.click();
          await check(`the visitors' desk, ${await mode.getAttribute('data-testid')}`);
        }
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('visitor-desk')).toHaveCount(0);
        await staffPanel(page);
        await check('the staff panel');
        await page.getByTestId('open-desk').click();
        await expect(page.getByTestId('staff-desk')).toBeVisible();
        for (const tab of ['in', 'today', 'occupancy', 'rollcall', 'health']) {
          await page.getByTestId(`desk-tab-${tab}`).click();
          await page.waitForTimeout(200);
          await check(`the desk, ${tab}`);
        }
        // The tabs leave the desk its room on a phone.
        const nav = await page.getByTestId('staff-desk').locator('header').boundingBox();
        expect.soft(nav!.height, 'the desk header takes at most 15% of the height').toBeLessThanOrEqual(0.15 * (width < 768 ? 640 : 800) + 1);
        expect(found, 'what sticks out past the window').toEqual([]);
      });
    }
  });
}

test('a tile’s name is what reads first: 20 px at least, two lines for a long one', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  const tile = page.getByTestId('tile').first();
  await expect(tile).toBeVisible();
  const sizes = await tile.evaluate((el) => ({
    name: parseFloat(getComputedStyle(el.querySelector('.name')!).fontSize),
    initials: parseFloat(getComputedStyle(el.querySelector('.avatar')!).fontSize),
    lines: getComputedStyle(el.querySelector('.name')!).webkitLineClamp,
  }));
  expect(sizes.name, 'the name’s size').toBeGreaterThanOrEqual(20);
  expect(sizes.initials, 'the initials no larger than the name').toBeLessThanOrEqual(sizes.name);
  expect(sizes.lines).toBe('2');
});
