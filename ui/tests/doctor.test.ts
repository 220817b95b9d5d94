import { describe, expect, it } from 'vitest';
import { checkText, fixText, foundText, unreadLine } from '../src/lib/doctor';
import { LOCALES, translate, type Locale } from '../src/lib/i18n';
import type { Check, Found } from '../src/lib/types';

// One of each kind the core sends, keyed by kind: a kind the core adds is a type error here
// until it has a sample (and, in src/lib/doctor.ts, words).
type ByKind<T extends { kind: string }> = { [K in T['kind']]: Extract<T, { kind: K }> };

const checks: ByKind<Check> = {
  login: { kind: 'login' },
  role: { kind: 'role', role: 'Coworker-List' },
  roles: { kind: 'roles', roles: ['Visitor-Read', 'Visitor-Create'] },
  location: { kind: 'location' },
  members: { kind: 'members' },
  list_fields: { kind: 'list_fields' },
  batch_fields: { kind: 'batch_fields' },
  one_record: { kind: 'one_record' },
  active_contracts: { kind: 'active_contracts' },
  unused_passes: { kind: 'unused_passes' },
  pin_reminder: { kind: 'pin_reminder' },
  write_test: { kind: 'write_test' },
  write_check_in: { kind: 'write_check_in' },
  write_check_out: { kind: 'write_check_out' },
  write_undo: { kind: 'write_undo' },
  records: { kind: 'records' },
};

const failure = { code: 'server_error' as const, said: null };
const places = [{ id: 1, name: 'Main Street' }];
const found: ByKind<Found> = {
  two_factor_required: { kind: 'two_factor_required' },
  must_reset_password: { kind: 'must_reset_password' },
  login_refused: { kind: 'login_refused' },
  login_ended: { kind: 'login_ended' },
  unreachable: { kind: 'unreachable', address: 'https://spaces.nexudus.com' },
  login_failed: { kind: 'login_failed', error: failure },
  no_password: { kind: 'no_password', email: 'kiosk@space.example' },
  no_login: { kind: 'no_login' },
  allowed: { kind: 'allowed' },
  missing_role: { kind: 'missing_role', role: 'Coworker-List', breaks: 'no_members' },
  not_logged_in: { kind: 'not_logged_in' },
  no_such_call: { kind: 'no_such_call', breaks: 'plans' },
  could_not_check: { kind: 'could_not_check', error: { code: 'timeout', said: null } },
  read_refused: { kind: 'read_refused', breaks: 'passes', error: { code: 'validation', said: 'Bad filter' } },
  visitor_writes_not_checked: { kind: 'visitor_writes_not_checked' },
  writes_not_checked: { kind: 'writes_not_checked' },
  write_needs_location: { kind: 'write_needs_location' },
  no_recent_checkin: { kind: 'no_recent_checkin' },
  member_is_in: { kind: 'member_is_in', member: 7, checkin: 70, since: '2026-12-03T09:15:00Z' },
  presence_unknown: { kind: 'presence_unknown', member: 7, error: failure },
  no_location_chosen: { kind: 'no_location_chosen', locations: places },
  not_a_location: { kind: 'not_a_location', id: 9, locations: places },
  location_zone: { kind: 'location_zone', name: 'Main Street', id: 1, zone: 'GMT Standard Time', iana: 'Europe/London' },
  zone_not_in_cldr: { kind: 'zone_not_in_cldr', name: 'Main Street', zone: 'Mars Standard Time' },
  no_zone: { kind: 'no_zone', name: 'Main Street' },
  member_count: { kind: 'member_count', count: 0 },
  list_fields_there: { kind: 'list_fields_there' },
  list_fields_missing: { kind: 'list_fields_missing' },
  batch_fields_there: { kind: 'batch_fields_there' },
  batch_fields_missing: { kind: 'batch_fields_missing' },
  record_with_pin: { kind: 'record_with_pin' },
  record_without_pin: { kind: 'record_without_pin' },
  active_contracts: { kind: 'active_contracts', count: 12 },
  unused_passes: { kind: 'unused_passes', count: 3 },
  reminder_offered: { kind: 'reminder_offered', command: 'SendPin' },
  reminder_no_command: { kind: 'reminder_no_command' },
  reminder_unreadable: { kind: 'reminder_unreadable', error: failure },
  checkin_created: { kind: 'checkin_created', checkin: 70, member: 7 },
  checkin_closed: { kind: 'checkin_closed', checkin: 70 },
  checkin_deleted: { kind: 'checkin_deleted', checkin: 70 },
  test_checkin_left: {
    kind: 'test_checkin_left',
    checkin: 70,
    open: true,
    why: { kind: 'missing_role', role: 'Checkin-Edit', breaks: 'no_checkouts' },
  },
  every_record_read: { kind: 'every_record_read' },
  records_unread: {
    kind: 'records_unread',
    records: [{ list: 'visitors', record_id: 31, field: 'CheckedInAt', shape: 'missing' }],
    more: 4,
  },
};

const words = (locale: Locale) => (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
  translate(locale, key, vars);
const others = LOCALES.filter((l) => l !== 'en');

describe('the account check, in the reader’s language', () => {
  it('names every check in each language, never in English on another language’s screen', () => {
    for (const check of Object.values(checks)) {
      const english = checkText(words('en'), check);
      expect(english, check.kind).not.toMatch(/[{}]/);
      for (const locale of others) {
        // "Roles" is Spanish too (the logic test's allowlist says so).
        if (check.kind === 'roles' && locale === 'es') continue;
        expect(checkText(words(locale), check), `${locale} ${check.kind}`).not.toBe(english);
      }
    }
  });

  it('says what every check can find, and what to do, in each language', () => {
    for (const f of Object.values(found) as Found[]) {
      const english = foundText(words('en'), f);
      const fix = fixText(words('en'), f);
      expect(english, f.kind).not.toMatch(/[{}]/);
      for (const locale of others) {
        // A location and its zone are names, the same in every language.
        if (f.kind !== 'location_zone') expect(foundText(words(locale), f), `${locale} ${f.kind}`).not.toBe(english);
        const localFix = fixText(words(locale), f);
        expect(localFix === null, `${locale} ${f.kind}: a fix where English has one`).toBe(fix === null);
        if (fix !== null) expect(localFix, `${locale} ${f.kind}`).not.toBe(fix);
      }
    }
  });

  it('quotes Nexudus’s own words, keeps values, and counts the records it does not name', () => {
    expect(foundText(words('de'), found.read_refused)).toContain('“Bad filter”');
    expect(foundText(words('fr'), found.member_is_in)).toContain('2026-12-03 09:15 UTC');
    const unread = foundText(words('es'), found.records_unread);
    expect(unread).toContain('5 no se leyeron');
    expect(unread).toContain('visitantes n.º 31: CheckedInAt llegó como ausente');
    expect(unread).toContain('y 4 más');
    expect(fixText(words('pt'), found.test_checkin_left)).toContain('Checkin-Edit');
    expect(fixText(words('en'), found.member_count)).not.toBeNull();
    expect(fixText(words('en'), { kind: 'member_count', count: 5 })).toBeNull();
  });

  it('words an unread record’s missing field in the reader’s language and a JSON type as it came', () => {
    expect(unreadLine(words('de'), { list: 'members', record_id: 4, field: 'FullName', shape: 'missing' })).toContain('fehlend');
    expect(unreadLine(words('en'), { list: 'members', record_id: 4, field: 'FullName', shape: 'null' })).toBe(
      'members #4: FullName came as null',
    );
  });
});
