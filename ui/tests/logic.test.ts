import { afterEach, describe, expect, it, vi } from 'vitest';
import { columnsFor, virtualWindow } from '../src/lib/virtual';
import { IdleTimer } from '../src/lib/idle';
import { PinEntry } from '../src/lib/pinpad';
import { CardReader } from '../src/lib/cardreader';
import { TILE_COLOURS, contrast, hexToRgb, tileColour } from '../src/lib/colour';
import { jumpButtons, letterIndex } from '../src/lib/alphabet';
import { Presence } from '../src/lib/tiles';
import { WhenQuiet } from '../src/lib/quiet';
import type { Tile } from '../src/lib/types';
import { lettersIn, searchNotice } from '../src/lib/search';
import { timeOfDay } from '../src/lib/clock';
import {
  accountText,
  connectivityKey,
  deskRefusals,
  duration,
  errorText,
  loadingText,
  ignoredText,
  LOCALES,
  messages,
  nextLocale,
  opKey,
  pickLocale,
  problemText,
  refusalText,
  translate,
  type Key,
  type Locale,
} from '../src/lib/i18n';
import type { Refusal, SendProblem } from '../src/lib/types';

describe('the virtual grid', () => {
  it('renders a few rows of 10,000 tiles, whatever the scroll position', () => {
    const columns = columnsFor(1280, 148, 12);
    expect(columns).toBe(8);
    const rows = Math.ceil(10_000 / columns);
    for (const scrollTop of [0, 40_000, rows * 160 - 600]) {
      const w = virtualWindow({ scrollTop, viewportHeight: 700, rowHeight: 160, rows });
      const tiles = (w.end - w.start) * columns;
      // Four DOM nodes a tile at most (button, avatar, name, badge): under 500 in all.
      expect(tiles * 4).toBeLessThan(500);
      expect(w.totalHeight).toBe(rows * 160);
      expect(w.offsetTop).toBe(w.start * 160);
    }
  });

  it('handles an empty grid and a scroll past the end', () => {
    expect(virtualWindow({ scrollTop: 0, viewportHeight: 500, rowHeight: 160, rows: 0 }).end).toBe(0);
    const w = virtualWindow({ scrollTop: 1e9, viewportHeight: 500, rowHeight: 160, rows: 10 });
    expect(w.end).toBe(10);
    expect(w.start).toBeLessThan(10);
  });
});

describe('idle reset', () => {
  it('fires once after the quiet spell and again only after new activity', () => {
    let now = 0;
    let fired = 0;
    const idle = new IdleTimer(30_000, () => fired++, () => now);
    now = 29_999;
    idle.tick();
    expect(fired).toBe(0);
    now = 30_000;
    idle.tick();
    idle.tick();
    expect(fired).toBe(1);
    idle.activity();
    now = 50_000;
    idle.tick();
    expect(fired).toBe(1);
    now = 60_000;
    idle.tick();
    expect(fired).toBe(2);
  });
});

describe('the PIN pad', () => {
  it('takes a staff PIN as long as the core allows, so a 12-digit PIN can be typed in full', () => {
    const p = new PinEntry();
    for (const k of '123456789012345') p.press(k);
    expect(p.value).toBe('123456789012');
  });

  it('takes digits only, masks them, and is ready at four', () => {
    const p = new PinEntry(6);
    for (const k of ['1', 'a', '2', '3']) p.press(k);
    expect(p.value).toBe('123');
    expect(p.masked).toBe('•••');
    expect(p.ready).toBe(false);
    p.press('4');
    expect(p.ready).toBe(true);
    for (const k of ['5', '6', '7']) p.press(k);
    expect(p.value).toBe('123456');
    p.backspace();
    expect(p.value).toBe('12345');
    p.clear();
    expect(p.value).toBe('');
  });
});

describe('the card reader', () => {
  it('takes fast digits and Enter as a card', () => {
    const cards: string[] = [];
    const r = new CardReader((c) => cards.push(c));
    let t = 1000;
    for (const k of '0004212345') r.key(k, (t += 10));
    expect(r.key('Enter', (t += 10))).toBe(true);
    expect(cards).toEqual(['0004212345']);
  });

  it('ignores people typing', () => {
    const cards: string[] = [];
    const r = new CardReader((c) => cards.push(c));
    let t = 1000;
    for (const k of '1234') r.key(k, (t += 250));
    expect(r.key('Enter', (t += 250))).toBe(false);
    expect(cards).toEqual([]);
  });

  it('starts afresh after a pause', () => {
    const cards: string[] = [];
    const r = new CardReader((c) => cards.push(c));
    r.key('9', 0);
    let t = 5000;
    for (const k of '55556666') r.key(k, (t += 5));
    r.key('Enter', (t += 5));
    expect(cards).toEqual(['55556666']);
  });
});

describe('tile colours', () => {
  it('keep white initials readable (WCAG AA, 4.5:1) for every member', () => {
    for (const colour of TILE_COLOURS) {
      expect(contrast(hexToRgb(colour), [255, 255, 255]), colour).toBeGreaterThanOrEqual(4.5);
    }
    for (let id = 1; id < 3000; id += 7) expect(TILE_COLOURS).toContain(tileColour(id));
    expect(tileColour(42)).toBe(tileColour(42));
    expect(new Set([1, 2, 3, 4, 5, 6].map(tileColour)).size, 'neighbouring ids differ').toBe(6);
  });
});

describe('the A-Z bar', () => {
  it('files accented names under their letter', () => {
    const index = letterIndex(['Ana', 'Ángel', 'Bea', 'Élodie', 'Emma', 'Łukasz', '3M Team']);
    expect([...index.entries()]).toEqual([
      ['A', 0],
      ['B', 2],
      ['E', 3],
      ['L', 5],
      ['#', 6],
    ]);
  });

  it('groups neighbouring letters when the screen is too short for one button each, never losing one', () => {
    const all = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l, i) => [l, i * 10] as const);
    expect(jumpButtons(all, 30)).toHaveLength(26);
    const fitted = jumpButtons(all, 15);
    expect(fitted).toHaveLength(15);
    expect(fitted.flatMap((b) => b.letters).join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(fitted[0]).toEqual({ label: 'A', letters: ['A'], index: 0 });
    expect(fitted[1]).toEqual({ label: 'B–C', letters: ['B', 'C'], index: 10 });
    expect(jumpButtons(all, 0)).toEqual([{ label: 'A–Z', letters: [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'], index: 0 }]);
  });
});

describe('strings', () => {
  it('has every English string in every other language too, each in its own words', () => {
    for (const locale of LOCALES) {
      expect(Object.keys(messages[locale]).sort(), locale).toEqual(Object.keys(messages.en).sort());
      for (const [key, words] of Object.entries(messages[locale])) expect(words.trim(), `${locale} ${key}`).not.toBe('');
      // Each placeholder the English has, the translation has (a lost {name} shows nobody's).
      for (const [key, words] of Object.entries(messages.en)) {
        const wanted = (words.match(/\{\w+\}/g) ?? []).sort();
        const found = (messages[locale][key as Key].match(/\{\w+\}/g) ?? []).sort();
        expect(found, `${locale} ${key}`).toEqual(wanted);
      }
    }
    // A copy of English left in by mistake would pass the key check: only these are the same
    // as the English in each language (names, formats, words the language shares).
    const sameAsEnglish: Record<Exclude<Locale, 'en'>, string[]> = {
      es: ['demo', 'deskFromNexudus', 'doctorCheckRoles', 'howNexudus', 'howSensor', 'hoursMinutes', 'minutes', 'rollCallAt', 'seconds', 'setupServerDefault', 'wrongPinsAt'],
      pt: ['deskFromNexudus', 'howNexudus', 'howSensor', 'hoursMinutes', 'listPasses', 'minutes', 'pinSubmit', 'rollCallAt', 'seconds', 'setupServerDefault', 'tabletNumbered', 'tablets', 'wrongPinsAt'],
      fr: ['agreementVersion', 'deskColAction', 'deskFromNexudus', 'healthVersion', 'howNexudus', 'hoursMinutes', 'minutes', 'pinSubmit', 'rollCallAt', 'seconds', 'setupServerDefault'],
      de: ['agreementVersion', 'deskColName', 'deskFromNexudus', 'demo', 'healthVersion', 'howNexudus', 'howSensor', 'offline', 'online', 'pinSubmit', 'rollCallAt', 'seconds', 'setupServerDefault', 'tablets', 'wrongPinsAt'],
    };
    for (const locale of LOCALES.filter((l): l is Exclude<Locale, 'en'> => l !== 'en')) {
      const same = Object.keys(messages.en).filter((k) => messages[locale][k as Key] === messages.en[k as Key]);
      expect(same.sort(), `${locale}: strings still in English`).toEqual(sameAsEnglish[locale].sort());
    }
  });

  it('steps through the five languages on the button and back', () => {
    expect(LOCALES.map(nextLocale)).toEqual(['es', 'pt', 'fr', 'de', 'en']);
    expect(pickLocale(['pt-PT', 'en'])).toBe('pt');
    expect(pickLocale(['it', 'de-AT', 'es-MX'])).toBe('de');
    expect(pickLocale(['fr-CA'])).toBe('fr');
  });

  it('fills in values and picks the language', () => {
    expect(translate('en', 'welcome', { name: 'Zoë' })).toBe('Welcome, Zoë!');
    expect(translate('es', 'welcome', { name: 'Zoë' })).toBe('¡Bienvenido/a, Zoë!');
    expect(pickLocale(['es-ES', 'en'])).toBe('es');
    expect(pickLocale(['it'])).toBe('en');
    expect(duration('en', 95)).toBe('1 h 35 min');
    expect(duration('en', 5)).toBe('5 min');
  });

  it('words every refusal reason of the core in each language, never in English inside Spanish', () => {
    const reasons: Refusal[] = ['inactive', 'wrong_location', 'no_plan', 'pass_spent', 'pass_expired'];
    for (const reason of reasons) {
      expect(refusalText('en', reason)).toMatch(/reception/);
      expect(refusalText('es', reason)).toMatch(/recepción/);
      expect(refusalText('es', reason)).not.toBe(refusalText('en', reason));
      // And on the staff desk, in staff's words, in each language.
      for (const locale of LOCALES.filter((l) => l !== 'en')) {
        expect(translate(locale, deskRefusals[reason]), `${locale} ${reason}`).not.toBe(translate('en', deskRefusals[reason]));
      }
    }
  });

  it('says a second tap again with the name and what stands, never "Already done, ."', () => {
    expect(ignoredText('en', 'checked_in', 'Zoë')).toBe('You are checked in already, Zoë.');
    expect(ignoredText('es', 'checked_out', 'Zoë')).toBe('Ya tienes la salida registrada, Zoë.');
    expect(ignoredText('en', 'refused', 'Zoë')).toContain('Zoë');
  });

  it('words errors by code with their data, and falls back to the message for a code it does not know', () => {
    expect(errorText('es', { code: 'wrong_pin', message: 'wrong staff PIN', detail: { tries_left: 2 } })).toBe(
      'PIN de personal incorrecto. Quedan 2 intentos.',
    );
    expect(errorText('en', { code: 'locked_out', message: 'x', detail: { seconds: 30 } })).toBe(
      'Too many wrong PINs. Try again in 30 s.',
    );
    expect(errorText('en', { code: 'database_error', message: 'database error: x' })).toBe('database error: x');
  });
});

describe('messages a person can act on', () => {
  // Every way a call to Nexudus fails, as the core codes it: worded in the reader's language,
  // never the library's words the message carries for the log.
  const nexudusFailures = [
    'offline',
    'connection_lost',
    'timeout',
    'login_refused',
    'unauthorized',
    'two_factor_required',
    'must_reset_password',
    'throttled',
    'rate_limited',
    'server_error',
    'unexpected_status',
    'malformed_answer',
    'not_found',
    'invalid_request',
    'disk_full',
  ] as const;
  const libraryWords = 'error sending request for url (https://spaces.nexudus.com/api/token): dns error';

  it('words each failure of Nexudus in each language, never with the library’s words', () => {
    for (const locale of LOCALES) {
      for (const code of nexudusFailures) {
        const words = errorText(locale, { code, message: libraryWords });
        expect(words, `${locale} ${code}`).not.toContain('error sending request');
        expect(words.length, `${locale} ${code}`).toBeGreaterThan(20);
      }
    }
    expect(errorText('es', { code: 'offline', message: libraryWords })).toBe(messages.es.errorOffline);
    expect(errorText('pt', { code: 'login_refused', message: 'x' })).toBe(messages.pt.errorLoginRefused);
  });

  it('names the missing role where the core knows it, and says who adds it', () => {
    expect(errorText('en', { code: 'forbidden', message: 'x', detail: { role: 'Checkin-Create' } })).toBe(
      'The Nexudus account lacks the Checkin-Create role. An administrator adds it to the kiosk’s user in Nexudus (Settings › Users), then press “Sync now”.',
    );
    expect(errorText('es', { code: 'forbidden', message: 'x', detail: { role: 'Business-List' } })).toContain('Business-List');
    // A refusal the contract does not map to a role: Nexudus's own words, and who looks.
    expect(errorText('en', { code: 'forbidden', message: 'GET /api/x was refused' })).toBe(
      'The Nexudus account was refused a call: GET /api/x was refused. An administrator checks the kiosk user’s roles in Nexudus.',
    );
  });

  it('says who the kiosk is logged in as, and where, by host', () => {
    const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('en', key, vars);
    expect(accountText(t, { user: 'desk@space.com', base_url: 'https://spaces.nexudus.com' })).toBe(
      'Logged in as desk@space.com at spaces.nexudus.com',
    );
    expect(accountText(t, { user: null, base_url: 'http://127.0.0.1:8787' })).toBe('Logged in at 127.0.0.1:8787');
  });

  it('counts a first load in the reader’s numbers, with the time left in seconds or minutes', () => {
    const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('en', key, vars);
    const es = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('es', key, vars);
    expect(loadingText(en, { loaded: 2130, total: 5000, seconds_left: 40 }, 'en')).toBe(
      'Loading members: 2,130 of 5,000 · about 40 s left',
    );
    expect(loadingText(es, { loaded: 2130, total: 15000, seconds_left: 200 }, 'es')).toBe(
      'Cargando miembros: 2130 de 15.000 · quedan unos 4 min',
    );
    expect(loadingText(en, { loaded: 300, total: null, seconds_left: null }, 'en')).toBe('Loading members: 300');
  });
});

describe('the time of day', () => {
  it('follows one rule, the screen language’s, at the location, on the bar, the card and the tiles', () => {
    const at = '2026-12-02T17:49:00Z';
    expect(timeOfDay(at, 'Europe/London', 'en')).toMatch(/^5:49\s?PM$/);
    expect(timeOfDay(at, 'Europe/London', 'es')).toBe('17:49');
    expect(timeOfDay(at, 'Europe/Lisbon', 'pt')).toBe('17:49');
    expect(timeOfDay(at, 'America/New_York', 'es')).toBe('12:49');
    // A zone this engine does not know: the device's, never an exception on the screen.
    expect(timeOfDay(at, 'Not/AZone', 'es')).toMatch(/^\d{1,2}:49$/);
  });
});

describe('the notice under the search box', () => {
  it('asks for three letters in search-only privacy, counting letters as the core does', () => {
    expect(lettersIn('Zo')).toBe(2);
    expect(lettersIn('Zoë')).toBe(3);
    expect(lettersIn('d. e')).toBe(2);
    expect(searchNotice(true, '', null)).toBe('searchMore');
    expect(searchNotice(true, 'ma', 0)).toBe('searchMore');
    expect(searchNotice(true, 'mar', 0)).toBe('noMatch');
    expect(searchNotice(true, 'mar', 4)).toBeNull();
    expect(searchNotice(false, 'ma', 0)).toBe('noMatch');
    expect(searchNotice(false, '', null)).toBeNull();
    expect(searchNotice(false, 'maria', 51)).toBe('searchNarrow');
    expect(searchNotice(false, 'maria', 50)).toBeNull();
  });
});

describe('the staff panel words', () => {
  it('says each connectivity state and each queue entry kind in words, in both languages', () => {
    for (const locale of LOCALES) {
      for (const [code, key] of [...Object.entries(connectivityKey), ...Object.entries(opKey)]) {
        const words = translate(locale, key);
        expect(words, `${locale} ${code}`).not.toBe(code);
        expect(words.length).toBeGreaterThan(0);
      }
    }
    expect(translate('es', opKey.close_checkin)).toBe('salida');
    expect(translate('es', connectivityKey.not_configured)).toBe('Sin cuenta');
  });

  it('words why a queue entry waits, for every kind of problem, in each language and never in English on another', () => {
    // One of each kind the core stores (SendProblem): a new kind without words is a type error
    // in problemText; this checks the words exist and are the reader's.
    const problems: SendProblem[] = [
      { kind: 'refused', code: 'validation', said: null },
      { kind: 'missing_role', role: 'Checkin-Create' },
      { kind: 'missing_role', role: null },
      { kind: 'checkin_refused', why: { kind: 'missing_role', role: 'Checkin-Create' } },
      { kind: 'checkin_never_sent' },
      { kind: 'missing_here', record: 'visitor' },
      { kind: 'deleted_in_nexudus', record: 'checkin' },
      { kind: 'undo_needs_role', checkin: 42 },
      { kind: 'waiting_for', record: 'checkin' },
      { kind: 'waiting_for', record: 'visitor' },
      { kind: 'passing', code: 'throttled' },
      { kind: 'passing', code: 'offline' },
      { kind: 'interrupted' },
      { kind: 'taken_back' },
    ];
    for (const p of problems) {
      const english = problemText((k, v) => translate('en', k, v), p);
      expect(english.length, JSON.stringify(p)).toBeGreaterThan(0);
      expect(english, JSON.stringify(p)).not.toContain('{');
      for (const locale of LOCALES.filter((l) => l !== 'en')) {
        const words = problemText((k, v) => translate(locale, k, v), p);
        expect(words, `${locale} ${JSON.stringify(p)}`).not.toBe(english);
      }
    }
    // Nexudus's own words are quoted as they came, in any language; an older kiosk's sentence too.
    const said: SendProblem = { kind: 'refused', code: 'validation', said: 'FromTime: is a required field' };
    expect(problemText((k, v) => translate('de', k, v), said)).toContain('FromTime: is a required field');
    expect(problemText((k, v) => translate('pt', k, v), { kind: 'text', said: 'old words' })).toBe('old words');
    expect(problemText((k, v) => translate('en', k, v), { kind: 'undo_needs_role', checkin: 42 })).toContain('42');
  });
});

describe('tiles that patch themselves', () => {
  const CHECKIN = '0193a5f0-0000-7000-8000-000000000001';
  const tile = (id: number): Tile => ({
    member_id: id,
    name: `M${id}`,
    detail: null,
    here: true,
    initials: 'M',
    photo: false,
    in_since: null,
    in_since_local: null,
  });
  const tiles = [tile(1), tile(2), tile(3)];
  const at = '2026-11-30T09:12:00Z';
  const welcome = (id: number) => ({ kind: 'welcome' as const, member_id: id, first_name: 'M', at, at_local: '09:12', checkin: CHECKIN, pass: null });
  const goodbye = (id: number) => ({ kind: 'goodbye' as const, member_id: id, first_name: 'M', at, at_local: '17:00', minutes: 468, checkin: CHECKIN });
  /** The list as the screen shows it, read at `readAt`. */
  const shown = (presence: Presence, readAt: number) => tiles.map((x) => presence.of(x, readAt));

  it('marks the one tile in on a check-in and clears it on a check-out, leaving the others as they were', () => {
    const presence = new Presence(new Map());
    const readAt = presence.mark();
    presence.tapped(2, welcome(2));
    const inside = shown(presence, readAt);
    expect(inside[1]).toMatchObject({ in_since: at, in_since_local: '09:12' });
    expect(inside[0], 'an untouched tile is the one read, not a copy').toBe(tiles[0]);
    expect(inside[2]).toBe(tiles[2]);
    presence.tapped(2, goodbye(2));
    expect(shown(presence, readAt)[1]).toMatchObject({ in_since: null, in_since_local: null });
  });

  it('puts back what stood before an undone tap: out after a check-in taken back, in again after a check-out', () => {
    const presence = new Presence(new Map());
    presence.tapped(2, welcome(2));
    presence.tapped(2, { kind: 'undone', member_id: 2, first_name: 'M', in_since: null, in_since_local: null });
    expect(shown(presence, 0)[1]).toMatchObject({ in_since: null, in_since_local: null });
    presence.tapped(2, { kind: 'undone', member_id: 2, first_name: 'M', in_since: at, in_since_local: '09:12' });
    expect(shown(presence, 0)[1]).toMatchObject({ in_since: at, in_since_local: '09:12' });
  });

  it('changes nothing for a refusal or an ignored tap', () => {
    const presence = new Presence(new Map());
    presence.tapped(2, { kind: 'rejected', member_id: 2, first_name: 'M', reason: 'no_plan' });
    presence.tapped(2, { kind: 'ignored', member_id: 2, first_name: 'M', first: 'checked_in' });
    expect(shown(presence, 0)).toEqual(tiles);
  });

  it('lays only the taps after a read over what it answered: an earlier one is in the answer, or was overtaken', () => {
    const presence = new Presence(new Map());
    presence.tapped(2, welcome(2));
    // The grid is read after that tap, and it says member 2 is out (Nexudus checked them out).
    const readAt = presence.mark();
    expect(shown(presence, readAt)[1], 'the read wins over an older tap').toBe(tiles[1]);
    presence.tapped(3, welcome(3));
    expect(shown(presence, readAt)[2], 'a tap after the read wins over it').toMatchObject({ in_since: at });
  });

  it('keeps one entry a member however often they tap, so it never outgrows the member list', () => {
    const taps = new Map();
    const presence = new Presence(taps);
    for (let i = 0; i < 50; i++) presence.tapped(2, i % 2 ? goodbye(2) : welcome(2));
    expect(taps.size).toBe(1);
  });
});

describe('work that waits for a quiet screen', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once for a burst of requests, and not while someone keeps touching the screen', () => {
    vi.useFakeTimers();
    let clock = 0;
    let runs = 0;
    const quiet = new WhenQuiet(() => runs++, 1000, () => clock);
    const advance = (ms: number) => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    };
    quiet.request();
    quiet.request();
    advance(0);
    expect(runs, 'nobody touched the screen: at once, and once').toBe(1);

    quiet.touch();
    quiet.request();
    for (let i = 0; i < 5; i++) {
      advance(600);
      expect(runs, 'a member is tapping: the work waits').toBe(1);
      quiet.touch();
    }
    advance(999);
    expect(runs).toBe(1);
    advance(1);
    expect(runs, 'a second after the last touch').toBe(2);
  });
});
