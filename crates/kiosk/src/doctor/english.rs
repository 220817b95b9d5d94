//! The doctor's findings in English, for the command line (`kiosk doctor`) and logs: the
//! screens word the same codes in the reader's language (`ui/src/lib/doctor.ts`).

use std::fmt::Write as _;

use super::found::{Breaks, Check, Found, Place};
use crate::domain::unread::describe;

impl Check {
    /// In English, as the command line prints it.
    pub fn english(&self) -> String {
        match self {
            Self::Login => "login".into(),
            Self::Role { role } => format!("role {role}"),
            Self::Roles { roles } => format!("roles {}", roles.join(", ")),
            Self::Location => "location".into(),
            Self::Members => "members".into(),
            Self::ListFields => "list answer fields".into(),
            Self::BatchFields => "batch answer fields".into(),
            Self::OneRecord => "one-record answer".into(),
            Self::ActiveContracts => "active contracts".into(),
            Self::UnusedPasses => "unused passes".into(),
            Self::PinReminder => "\"Forgot your PIN?\"".into(),
            Self::WriteTest => "write test".into(),
            Self::WriteCheckIn => "write test: check in".into(),
            Self::WriteCheckOut => "write test: check out".into(),
            Self::WriteUndo => "write test: undo".into(),
            Self::Records => "records".into(),
        }
    }
}

impl Breaks {
    pub(super) fn english(self) -> &'static str {
        match self {
            Self::LocationPicker => "the location picker is empty",
            Self::TimeZones => {
                "locations run in UTC: local times, auto-checkout and \"today\" are off"
            }
            Self::TeamNames => "team names are missing from check-ins",
            Self::VisitorCodes => "expected visitors cannot sign in with their invitation's code",
            Self::NoMembers => "no member loads: the grid stays empty",
            Self::MemberDetails => "members' teams, other locations and PINs are unknown",
            Self::OfflinePins => "PINs never work offline",
            Self::Plans => "plans are unknown: the kiosk refuses no one for want of a plan",
            Self::Passes => {
                "passes are unknown: members without a plan are let in, and Nexudus decides"
            }
            Self::OtherCheckins => {
                "other kiosks' and doors' check-ins never show; lost writes cannot be looked up"
            }
            Self::CheckOuts => "check-outs cannot be sent (each reads the record first)",
            Self::FailedTwice => "a refusal whose answer was lost may be recorded twice",
            Self::NoCheckins => "no check-in reaches Nexudus",
            Self::NoCheckouts => "no check-out reaches Nexudus",
            Self::UndoWaits => {
                "a check-in taken back at the kiosk (\"Not you? Undo\") waits for staff"
            }
        }
    }
}

/// "1 Main Street, 2 Annex".
fn listed(places: &[Place]) -> String {
    places
        .iter()
        .map(|p| format!("{} {}", p.id, p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Found {
    /// What was found, in English, as the command line prints it.
    pub fn english(&self) -> String {
        match self {
            Self::TwoFactorRequired => "this account uses two-factor sign-in".into(),
            Self::MustResetPassword => "Nexudus asks this account for a new password".into(),
            Self::LoginRefused => "Nexudus refused that e-mail and password".into(),
            Self::LoginEnded => {
                "the kiosk's Nexudus login has ended (a password change, or it was signed out)"
                    .into()
            }
            Self::Unreachable { address } => format!("Nexudus could not be reached at {address}"),
            Self::LoginFailed { error } => format!("the login did not work: {}", error.message),
            Self::NoPassword { email } => format!("no password for {email}"),
            Self::NoLogin => "this kiosk is not logged in to Nexudus".into(),
            Self::Allowed => "allowed".into(),
            Self::MissingRole { role, breaks } => {
                format!("missing role {role}: {}", breaks.english())
            }
            Self::NotLoggedIn => "not logged in, or the session has ended".into(),
            Self::NoSuchCall { breaks } => {
                format!("the server has no such call: {}", breaks.english())
            }
            Self::CouldNotCheck { error } => format!("could not check: {}", error.message),
            Self::ReadRefused { error, .. } => format!("refused: {}", error.message),
            Self::VisitorWritesNotChecked => "not checked: the doctor writes no visitor (invited \
                 guests need Visitor-Edit to sign in, walk-ins Visitor-Create)"
                .into(),
            Self::WritesNotChecked => "not checked: the doctor writes nothing unless asked".into(),
            Self::WriteNeedsLocation => "not made: the test check-in needs a location".into(),
            Self::NoRecentCheckin => "not checked: no check-in in the last week to read".into(),
            Self::MemberIsIn {
                member,
                checkin,
                since,
            } => format!(
                "not made: member {member} is checked in now (check-in {checkin}, since {} \
                 UTC), and a test check-in would be a second visit",
                since.format("%Y-%m-%d %H:%M")
            ),
            Self::PresenceUnknown { member, error } => format!(
                "not made: whether member {member} is in could not be read ({})",
                error.message
            ),
            Self::NoLocationChosen { locations } => {
                format!("none chosen; the account has {}", listed(locations))
            }
            Self::NotALocation { id, locations } => format!(
                "{id} is not a location of this account, which has {}",
                listed(locations)
            ),
            Self::LocationZone {
                name,
                id,
                zone,
                iana,
            } => format!("{name} ({id}): {zone} -> {iana}"),
            Self::ZoneNotInCldr { name, zone } => {
                format!("{name}: Nexudus's zone {zone:?} has no IANA zone in CLDR")
            }
            Self::NoZone { name } => format!("{name}: no time zone the kiosk can read"),
            Self::MemberCount { count } => format!("{count} in the account"),
            Self::ListFieldsThere => {
                "FullName and UpdatedOn are there (PINs come from whole records, as documented)"
                    .into()
            }
            Self::ListFieldsMissing => {
                "FullName or UpdatedOn missing: tiles lack names, or every pull is a full load"
                    .into()
            }
            Self::BatchFieldsThere => "Teams and Businesses are there".into(),
            Self::BatchFieldsMissing => {
                "Teams or Businesses missing: members of other locations are refused".into()
            }
            Self::RecordWithPin => "read; it carries the member's PIN".into(),
            Self::RecordWithoutPin => {
                "read; this member has no PIN (PINs come only from this answer)".into()
            }
            Self::ActiveContracts { count } => format!("{count} (members with a plan)"),
            Self::UnusedPasses { count } => {
                format!("{count} (day passes and bundles members can check in with)")
            }
            Self::ReminderOffered { command } => {
                format!("offered (the account's command {command})")
            }
            Self::ReminderNoCommand => "not offered: the account lists no command that e-mails \
                 a member their PIN (members who forget theirs ask at reception)"
                .into(),
            Self::ReminderUnreadable { error } => format!(
                "not offered: the command list could not be read ({}); members who forget \
                 their PIN ask at reception",
                error.message
            ),
            Self::CheckinCreated { checkin, member } => {
                format!("check-in {checkin} created for member {member}")
            }
            Self::CheckinClosed { checkin } => {
                format!("check-in {checkin} closed (read first, then put back)")
            }
            Self::CheckinDeleted { checkin } => {
                format!("check-in {checkin} deleted, as a check-in taken back at the kiosk is")
            }
            Self::TestCheckinLeft {
                checkin,
                open: true,
                why,
            } => format!(
                "{} (check-in {checkin} is still open: close it in Nexudus)",
                why.english()
            ),
            Self::TestCheckinLeft { checkin, why, .. } => format!(
                "{} (the test check-in {checkin} stays: delete it in Nexudus)",
                why.english()
            ),
            Self::EveryRecordRead => "every record read".into(),
            Self::RecordsUnread { records, more } => {
                let named: Vec<String> = records
                    .iter()
                    .map(|r| describe(r.list, r.record_id, &r.field, &r.shape))
                    .collect();
                let mut text = format!(
                    "{} did not read and are left out (the others are read): {}",
                    records.len() + more,
                    named.join("; ")
                );
                if *more > 0 {
                    let _ = write!(text, "; and {more} more (the staff desk lists them all)");
                }
                text
            }
        }
    }

    /// What to do, in English, where something is wrong or was not checked.
    pub fn english_fix(&self) -> Option<String> {
        Some(match self {
            Self::TwoFactorRequired => {
                "run again with --totp CODE, the code its authenticator app shows now".into()
            }
            Self::MustResetPassword => {
                "sign in once on the Nexudus website to set it, then run again".into()
            }
            Self::LoginRefused => "check both (the password goes in KIOSK_NEXUDUS_PASSWORD)".into(),
            Self::LoginEnded => "log in again on the kiosk's screen (staff panel, Account), or \
                 give --email"
                .into(),
            Self::Unreachable { .. } => {
                "check this machine's network, or the address given with --api-base".into()
            }
            Self::LoginFailed { .. } => {
                "run again in a few minutes; if it lasts, check the address (--api-base)".into()
            }
            Self::NoPassword { .. } => {
                "put it in KIOSK_NEXUDUS_PASSWORD (not on the command line)".into()
            }
            Self::NoLogin => "log in on the kiosk's screen (the first-run setup, or the staff \
                 panel), or give --email with the password in KIOSK_NEXUDUS_PASSWORD"
                .into(),
            Self::MissingRole { role, .. } => {
                format!("give the kiosk's Nexudus user the {role} role (Settings > Users)")
            }
            Self::NotLoggedIn => {
                "log in again in the staff panel, or give --email and the password".into()
            }
            Self::NoSuchCall { .. } => {
                "check the API address (it should be https://spaces.nexudus.com)".into()
            }
            Self::CouldNotCheck { .. } => "check the network and run the doctor again".into(),
            Self::ReadRefused { breaks, .. } => format!("{}; see the error", breaks.english()),
            Self::WritesNotChecked => {
                "to check them, run again with --write-test MEMBER_ID (a member who is out)".into()
            }
            Self::WriteNeedsLocation => {
                "give --location ID (one of the account's, listed above)".into()
            }
            Self::MemberIsIn { .. } => "run again with a member who is out".into(),
            Self::PresenceUnknown { .. } => {
                "give the kiosk's user the Checkin-List role, then run again".into()
            }
            Self::NoLocationChosen { .. } => {
                "run again with --location ID (one of those), or choose it on the kiosk's screen"
                    .into()
            }
            Self::NotALocation { .. } => "run again with --location ID (one of those)".into(),
            Self::ZoneNotInCldr { .. } | Self::NoZone { .. } => {
                "set the zone by hand in the staff panel".into()
            }
            Self::MemberCount { count: 0 } => "add members in Nexudus, or check the account".into(),
            Self::ListFieldsMissing | Self::BatchFieldsMissing => {
                "report this to the kiosk's maintainers with the doctor's output".into()
            }
            Self::TestCheckinLeft { why, .. } => return why.english_fix(),
            Self::RecordsUnread { .. } => "correct that field of each record in Nexudus; the \
                 kiosk reads it again by itself"
                .into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::found::Unread;
    use crate::domain::unread::RecordList;

    #[test]
    fn a_failed_step_of_the_write_test_says_what_it_left_behind_and_what_to_do() {
        let left = Found::TestCheckinLeft {
            checkin: 7,
            open: true,
            why: Box::new(Found::MissingRole {
                role: "Checkin-Edit".into(),
                breaks: Breaks::NoCheckouts,
            }),
        };
        assert_eq!(
            left.english(),
            "missing role Checkin-Edit: no check-out reaches Nexudus (check-in 7 is still \
             open: close it in Nexudus)"
        );
        assert_eq!(
            left.english_fix().as_deref(),
            Some("give the kiosk's Nexudus user the Checkin-Edit role (Settings > Users)"),
            "the fix is the failed step's"
        );
    }

    #[test]
    fn the_doctor_names_ten_unread_records_and_counts_the_rest() {
        let record = |id| Unread {
            list: RecordList::Members,
            record_id: Some(id),
            field: "FullName".into(),
            shape: "null".into(),
        };
        let found = Found::unread((1..=12).map(record).collect());
        let Found::RecordsUnread { records, more } = &found else {
            panic!("{found:?}")
        };
        assert_eq!((records.len(), *more), (10, 2));
        assert!(
            found
                .english()
                .starts_with("12 did not read and are left out")
                && found
                    .english()
                    .ends_with("; and 2 more (the staff desk lists them all)"),
            "{}",
            found.english()
        );
        assert_eq!(Found::unread(Vec::new()), Found::EveryRecordRead);
    }

    #[test]
    fn a_member_count_of_zero_says_what_to_do_and_a_count_does_not() {
        assert!(Found::MemberCount { count: 0 }.english_fix().is_some());
        assert!(Found::MemberCount { count: 3 }.english_fix().is_none());
    }
}
