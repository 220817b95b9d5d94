// The account check's lines (the core's `kiosk doctor`), worded in the reader's language: the
// core sends what was checked and what was found as codes and values, never sentences. Each
// switch covers every kind, so a kind the core adds without words here is a type error.
import { codeWords, type Words, type Key } from './i18n';
import type { Breaks, Check, Failure, Found, RecordList, Unread } from './types';

const breaksKey: Record<Breaks, Key> = {
  location_picker: 'breaksLocationPicker',
  time_zones: 'breaksTimeZones',
  team_names: 'breaksTeamNames',
  visitor_codes: 'breaksVisitorCodes',
  no_members: 'breaksNoMembers',
  member_details: 'breaksMemberDetails',
  offline_pins: 'breaksOfflinePins',
  plans: 'breaksPlans',
  passes: 'breaksPasses',
  other_checkins: 'breaksOtherCheckins',
  check_outs: 'breaksCheckOuts',
  failed_twice: 'breaksFailedTwice',
  no_checkins: 'breaksNoCheckins',
  no_checkouts: 'breaksNoCheckouts',
  undo_waits: 'breaksUndoWaits',
};

export const listKey: Record<RecordList, Key> = {
  members: 'listMembers',
  contracts: 'listContracts',
  passes: 'listPasses',
  check_ins: 'listCheckIns',
  failed_check_ins: 'listFailedCheckIns',
  visitors: 'listVisitors',
  locations: 'listLocations',
  time_zones: 'listTimeZones',
  teams: 'listTeams',
};

/** A record that did not read, in one line: which list, which record, which field, what came. */
export function unreadLine(t: Words, r: Pick<Unread, 'list' | 'record_id' | 'field' | 'shape'>): string {
  return t('healthUnreadLine', {
    list: t(listKey[r.list]),
    id: r.record_id ?? '?',
    field: r.field || '—',
    shape: r.shape === 'missing' ? t('shapeMissing') : r.shape,
  });
}

/** What was checked. */
export function checkText(t: Words, c: Check): string {
  switch (c.kind) {
    case 'login':
      return t('doctorCheckLogin');
    case 'role':
      return t('doctorCheckRole', { role: c.role });
    case 'roles':
      return t('doctorCheckRoles', { roles: c.roles.join(', ') });
    case 'location':
      return t('doctorCheckLocation');
    case 'members':
      return t('doctorCheckMembers');
    case 'list_fields':
      return t('doctorCheckListFields');
    case 'batch_fields':
      return t('doctorCheckBatchFields');
    case 'one_record':
      return t('doctorCheckOneRecord');
    case 'active_contracts':
      return t('doctorCheckContracts');
    case 'unused_passes':
      return t('doctorCheckPasses');
    case 'pin_reminder':
      return t('doctorCheckReminder');
    case 'write_test':
      return t('doctorCheckWriteTest');
    case 'write_check_in':
      return t('doctorCheckWriteIn');
    case 'write_check_out':
      return t('doctorCheckWriteOut');
    case 'write_undo':
      return t('doctorCheckWriteUndo');
    case 'records':
      return t('doctorCheckRecords');
  }
}

/** A failed call: what it means, with Nexudus's own words where it gave some. */
function failure(t: Words, e: Failure): string {
  const words = codeWords(t, e.code);
  return e.said ? `${words} “${e.said}”` : words;
}

const places = (ps: { id: number; name: string }[]) => ps.map((p) => `${p.id} ${p.name}`).join(', ');

/** What a check found. */
export function foundText(t: Words, f: Found): string {
  switch (f.kind) {
    case 'two_factor_required':
      return t('foundTwoFactor');
    case 'must_reset_password':
      return t('foundMustReset');
    case 'login_refused':
      return t('foundLoginRefused');
    case 'login_ended':
      return t('foundLoginEnded');
    case 'unreachable':
      return t('foundUnreachable', { address: f.address });
    case 'login_failed':
      return t('foundLoginFailed', { error: failure(t, f.error) });
    case 'no_password':
      return t('foundNoPassword', { email: f.email });
    case 'no_login':
      return t('foundNoLogin');
    case 'allowed':
      return t('foundAllowed');
    case 'missing_role':
      return t('foundMissingRole', { role: f.role, breaks: t(breaksKey[f.breaks]) });
    case 'not_logged_in':
      return t('foundNotLoggedIn');
    case 'no_such_call':
      return t('foundNoSuchCall', { breaks: t(breaksKey[f.breaks]) });
    case 'could_not_check':
      return t('foundCouldNotCheck', { error: failure(t, f.error) });
    case 'read_refused':
      return t('foundReadRefused', { error: failure(t, f.error) });
    case 'visitor_writes_not_checked':
      return t('foundVisitorWrites');
    case 'writes_not_checked':
      return t('foundWritesNotChecked');
    case 'write_needs_location':
      return t('foundWriteNeedsLocation');
    case 'no_recent_checkin':
      return t('foundNoRecentCheckin');
    case 'member_is_in':
      return t('foundMemberIsIn', { member: f.member, checkin: f.checkin, since: `${f.since.slice(0, 16).replace('T', ' ')} UTC` });
    case 'presence_unknown':
      return t('foundPresenceUnknown', { member: f.member, error: failure(t, f.error) });
    case 'no_location_chosen':
      return t('foundNoLocation', { locations: places(f.locations) });
    case 'not_a_location':
      return t('foundNotALocation', { id: f.id, locations: places(f.locations) });
    case 'location_zone':
      return `${f.name} (${f.id}): ${f.zone} → ${f.iana}`;
    case 'zone_not_in_cldr':
      return t('foundZoneNotInCldr', { name: f.name, zone: f.zone });
    case 'no_zone':
      return t('foundNoZone', { name: f.name });
    case 'member_count':
      return t('foundMemberCount', { count: f.count });
    case 'list_fields_there':
      return t('foundListFieldsThere');
    case 'list_fields_missing':
      return t('foundListFieldsMissing');
    case 'batch_fields_there':
      return t('foundBatchFieldsThere');
    case 'batch_fields_missing':
      return t('foundBatchFieldsMissing');
    case 'record_with_pin':
      return t('foundRecordWithPin');
    case 'record_without_pin':
      return t('foundRecordWithoutPin');
    case 'active_contracts':
      return t('foundContracts', { count: f.count });
    case 'unused_passes':
      return t('foundPasses', { count: f.count });
    case 'reminder_offered':
      return t('foundReminderOffered', { command: f.command });
    case 'reminder_no_command':
      return t('foundReminderNoCommand');
    case 'reminder_unreadable':
      return t('foundReminderUnreadable', { error: failure(t, f.error) });
    case 'checkin_created':
      return t('foundCheckinCreated', { checkin: f.checkin, member: f.member });
    case 'checkin_closed':
      return t('foundCheckinClosed', { checkin: f.checkin });
    case 'checkin_deleted':
      return t('foundCheckinDeleted', { checkin: f.checkin });
    case 'test_checkin_left':
      return t(f.open ? 'foundLeftOpen' : 'foundLeftBehind', { why: foundText(t, f.why), checkin: f.checkin });
    case 'every_record_read':
      return t('foundEveryRecordRead');
    case 'records_unread': {
      const records = f.records.map((r) => unreadLine(t, r)).join('; ');
      const named = t('foundRecordsUnread', { count: f.records.length + f.more, records });
      return f.more > 0 ? t('foundRecordsMore', { named, more: f.more }) : named;
    }
  }
}

/** What to do about what a check found, where something is wrong or was not checked; on this
 * screen (the command line's flags only where the check is the command line's). */
export function fixText(t: Words, f: Found): string | null {
  switch (f.kind) {
    case 'two_factor_required':
      return t('fixTwoFactor');
    case 'must_reset_password':
      return t('fixMustReset');
    case 'login_refused':
      return t('fixLoginRefused');
    case 'login_ended':
    case 'not_logged_in':
    case 'no_login':
      return t('fixLogIn');
    case 'unreachable':
      return t('fixUnreachable');
    case 'login_failed':
      return t('fixLoginFailed');
    case 'no_password':
      return t('fixNoPassword');
    case 'missing_role':
      return t('fixMissingRole', { role: f.role });
    case 'no_such_call':
      return t('fixNoSuchCall');
    case 'could_not_check':
      return t('fixCouldNotCheck');
    case 'read_refused':
      return t('fixReadRefused', { breaks: t(breaksKey[f.breaks]) });
    case 'writes_not_checked':
      return t('fixWritesNotChecked');
    case 'write_needs_location':
      return t('fixWriteNeedsLocation');
    case 'member_is_in':
      return t('fixMemberIsIn');
    case 'presence_unknown':
      return t('fixPresenceUnknown');
    case 'no_location_chosen':
    case 'not_a_location':
      return t('fixChooseLocation');
    case 'zone_not_in_cldr':
    case 'no_zone':
      return t('fixZone');
    case 'member_count':
      return f.count === 0 ? t('fixNoMembers') : null;
    case 'list_fields_missing':
    case 'batch_fields_missing':
      return t('fixReport');
    case 'test_checkin_left':
      return fixText(t, f.why);
    case 'records_unread':
      return t('fixRecords');
    case 'allowed':
    case 'visitor_writes_not_checked':
    case 'no_recent_checkin':
    case 'location_zone':
    case 'list_fields_there':
    case 'batch_fields_there':
    case 'record_with_pin':
    case 'record_without_pin':
    case 'active_contracts':
    case 'unused_passes':
    case 'reminder_offered':
    case 'reminder_no_command':
    case 'reminder_unreadable':
    case 'checkin_created':
    case 'checkin_closed':
    case 'checkin_deleted':
    case 'every_record_read':
      return null;
  }
}
