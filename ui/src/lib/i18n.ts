// Every string the UI shows comes from the locale files (locales/: English, Spanish,
// Portuguese, French, German). The core sends codes (a refusal's reason, an error's code with its data); this
// file words them.
import type { FailureCode } from './transport';
import type { AccountView, Advice, Connectivity, PrinterCondition, How, IgnoredAfter, MemberLoad, OutboxOp, RecordKind, Refusal, SendProblem } from './types';
import { en, type Key } from './locales/en';
import { es } from './locales/es';
import { pt } from './locales/pt';
import { fr } from './locales/fr';
import { de } from './locales/de';

export type { Key };

export const messages = { en, es, pt, fr, de } as const;
export type Locale = keyof typeof messages;
/** In the order the language button steps through them. */
export const LOCALES: readonly Locale[] = ['en', 'es', 'pt', 'fr', 'de'];

/** The first of the browser's languages the kiosk speaks, else English. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const found = LOCALES.find((locale) => l.toLowerCase().startsWith(locale));
    if (found) return found;
  }
  return 'en';
}

/** The language after `locale` on the language button. */
export function nextLocale(locale: Locale): Locale {
  return LOCALES[(LOCALES.indexOf(locale) + 1) % LOCALES.length]!;
}

export function translate(locale: Locale, key: Key, vars: Record<string, string | number> = {}): string {
  const template: string = messages[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export function duration(locale: Locale, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? translate(locale, 'hoursMinutes', { h, m }) : translate(locale, 'minutes', { n: m });
}

const ignoredAfter: Record<IgnoredAfter, Key> = {
  checked_in: 'ignoredIn',
  checked_out: 'ignoredOut',
  refused: 'ignoredRefused',
};

/** A second tap within the double-tap window: the first answer, said again with the name. */
export function ignoredText(locale: Locale, first: IgnoredAfter, name: string): string {
  return translate(locale, ignoredAfter[first], { name });
}

export const refusals: Record<Refusal, Key> = {
  inactive: 'refusalInactive',
  wrong_location: 'refusalWrongLocation',
  no_plan: 'refusalNoPlan',
  pass_spent: 'refusalPassSpent',
  pass_expired: 'refusalPassExpired',
};

/** Why the kiosk refused an attempt, in staff's words on the desk. */
export const deskRefusals: Record<Refusal, Key> = {
  inactive: 'deskRefusalInactive',
  wrong_location: 'deskRefusalWrongLocation',
  no_plan: 'deskRefusalNoPlan',
  pass_spent: 'deskRefusalPassSpent',
  pass_expired: 'deskRefusalPassExpired',
};

/** What a member reads when a check-in is refused, in their language. */
export function refusalText(locale: Locale, reason: Refusal): string {
  return translate(locale, refusals[reason]);
}

export type Words = (key: Key, vars?: Record<string, string | number>) => string;

/** An error from the core, worded by its code; a code without words here shows its message. */
export function errorText(
  locale: Locale,
  e: { code: FailureCode; message: string; detail?: { tries_left?: number; seconds?: number; role?: string } },
): string {
  return errorWords((key, vars) => translate(locale, key, vars), e);
}

/** `errorText` with the screen's own words (a component's `t`). */
export function errorWords(
  t: Words,
  e: { code: FailureCode; message: string; detail?: { tries_left?: number; seconds?: number; role?: string } },
): string {
  switch (e.code) {
    case 'unknown_pin':
      return t('unknownPin');
    case 'unknown_card':
      return t('unknownCard');
    case 'no_location':
      return t('noLocation');
    case 'wrong_pin':
      return t('errorWrongPin', { n: e.detail?.tries_left ?? 0 });
    case 'locked_out':
      return t('errorLockedOut', { n: e.detail?.seconds ?? 0 });
    case 'no_staff_pin':
      return t('errorNoStaffPin');
    case 'staff_session_ended':
      return t('sessionEnded');
    case 'screen_only':
      return t('errorScreenOnly');
    case 'wrong_code':
      return t('errorWrongCode');
    case 'network':
      return t('errorNetwork');
    case 'unsupported':
      return t('errorUnsupported');
    case 'unknown_kiosk':
      return t('errorUnknownKiosk');
    case 'peer_unreachable':
      return t('errorPeerUnreachable');
    case 'peer_wrong_key':
      return t('errorPeerWrongKey');
    case 'peer_unpaired':
      return t('errorPeerUnpaired');
    case 'peer_bad_answer':
      return t('errorPeerBadAnswer');
    case 'unknown_code':
      return t('errorUnknownCode');
    case 'nothing_to_undo':
      return t('errorNothingToUndo');
    case 'reminder_unavailable':
      return t('errorReminderUnavailable');
    case 'too_many_reminders':
      return t('errorTooManyReminders', { n: e.detail?.seconds ?? 0 });
    // Nexudus's answers, as a person at the desk can act on them (never a library's words).
    case 'offline':
    case 'connection_lost':
      return t('errorOffline');
    case 'timeout':
      return t('errorTimeout');
    case 'login_refused':
      return t('errorLoginRefused');
    case 'unauthorized':
      return t('errorUnauthorized');
    case 'two_factor_required':
      return t('errorTwoFactor');
    case 'must_reset_password':
      return t('errorMustReset');
    case 'forbidden':
      return e.detail?.role
        ? t('missingRoleDetail', { role: e.detail.role })
        : t('missingRoleUnknown', { detail: e.message });
    case 'throttled':
    case 'rate_limited':
      return t('errorBusy');
    case 'server_error':
    case 'unexpected_status':
    case 'malformed_answer':
    case 'not_found':
      return t('errorServer');
    case 'invalid_request':
      return t('errorBadAddress');
    case 'disk_full':
      return t('errorDiskFull');
    case 'invalid':
      return t('errorInvalid', { detail: e.message });
    default:
      return e.message;
  }
}

/** An error known only by its code (no message of the kiosk's to fall back on): a code with no
 * words of its own is Nexudus's error. */
export function codeWords(t: Words, code: FailureCode): string {
  return errorWords(t, { code, message: '' }) || t('errorServer');
}

const recordKey: Record<RecordKind, Key> = {
  checkin: 'recordCheckin',
  failed: 'recordFailed',
  visitor: 'recordVisitor',
};

/** Why a queue entry waits or was set aside, in the reader's language. Nexudus's own words
 * (a refusal's message) are quoted as they came; they are its, not the kiosk's. */
export function problemText(t: Words, p: SendProblem): string {
  switch (p.kind) {
    case 'refused':
      return p.said ? t('problemRefusedSaid', { said: p.said }) : t('problemRefused');
    case 'missing_role':
      return p.role ? t('missingRoleDetail', { role: p.role }) : t('adviceGrantRole');
    case 'checkin_refused':
      return t('problemCheckinRefused', { why: problemText(t, p.why) });
    case 'checkin_never_sent':
      return t('problemCheckinNeverSent');
    case 'missing_here':
      return t('problemMissingHere', { record: t(recordKey[p.record]) });
    case 'deleted_in_nexudus':
      return t('problemDeleted', { record: t(recordKey[p.record]) });
    case 'undo_needs_role':
      return t('problemUndoNeedsRole', { checkin: p.checkin });
    case 'waiting_for':
      return t(p.record === 'visitor' ? 'problemWaitingVisitor' : 'problemWaitingCheckin');
    case 'passing':
      // A code with no words of its own (none the engine retries today) is Nexudus's error.
      return codeWords(t, p.code);
    case 'interrupted':
      return t('problemInterrupted');
    case 'taken_back':
      return t('problemTakenBack');
    case 'text':
      return p.said;
  }
}

/** Who the kiosk is logged in as, and where: "Logged in as kiosk@space.com at spaces.nexudus.com". */
export function accountText(t: Words, account: AccountView): string {
  let host = account.base_url;
  try {
    host = new URL(account.base_url).host;
  } catch {
    // Shown as it was typed.
  }
  return account.user ? t('loggedInAs', { user: account.user, host }) : t('loggedInAt', { host });
}

/** How far a first load of members has come: "Loading members: 2,130 of 5,000 · about 40 s
 * left", the numbers as `locale` writes them (the device's own where none is given). */
export function loadingText(t: Words, load: MemberLoad, locale?: string): string {
  const n = (x: number) => new Intl.NumberFormat(locale).format(x);
  const counts =
    load.total === null
      ? t('loadingMembersCount', { loaded: n(load.loaded) })
      : t('loadingMembers', { loaded: n(load.loaded), total: n(load.total) });
  if (load.seconds_left === null) return counts;
  const s = load.seconds_left;
  const minutes = Math.ceil(s / 60);
  const time =
    s < 90
      ? t('seconds', { n: Math.max(1, s) })
      : minutes >= 60
        ? t('hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 })
        : t('minutes', { n: minutes });
  return `${counts} · ${t('loadingLeft', { time })}`;
}

/** The words for each connectivity state the core reports (never its code on screen). */
export const connectivityKey: Record<Connectivity, Key> = {
  online: 'online',
  offline: 'offline',
  throttled: 'throttled',
  missing_role: 'missingRole',
  needs_login: 'needsLogin',
  not_configured: 'notConfigured',
};

/** What reception reads of a badge printer's condition. */
export const printerConditionKey: Record<PrinterCondition, Key> = {
  ready: 'printerReady',
  out_of_media: 'printerOutOfMedia',
  stopped: 'printerStopped',
  unreachable: 'printerUnreachable',
};

/** How someone came in, in staff's words. */
export const howKey: Record<How, Key> = {
  tile: 'howTile',
  pin: 'howPin',
  card: 'howCard',
  staff: 'howStaff',
  other_kiosk: 'howOtherKiosk',
  door: 'howDoor',
  dashboard: 'howDashboard',
  network: 'howNetwork',
  sensor: 'howSensor',
  nexudus: 'howNexudus',
  invited: 'howInvited',
  walk_in: 'howWalkIn',
};

/** What staff should do about a parked entry. */
export const adviceKey: Record<Advice, Key> = {
  grant_role: 'adviceGrantRole',
  fix_in_nexudus_then_retry: 'adviceFix',
  discard: 'adviceDiscard',
  retry: 'adviceRetry',
};

/** The words for each kind of entry in the sync queue. */
export const opKey: Record<OutboxOp, Key> = {
  create_checkin: 'opCreateCheckin',
  close_checkin: 'opCloseCheckin',
  create_failed: 'opCreateFailed',
  withdraw_checkin: 'opWithdrawCheckin',
  reopen_checkin: 'opReopenCheckin',
  amend_checkout: 'opAmendCheckout',
  visitor_created: 'opVisitorCreated',
  visitor_arrived: 'opVisitorArrived',
  visitor_departed: 'opVisitorDeparted',
};
