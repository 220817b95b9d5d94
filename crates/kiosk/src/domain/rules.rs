//! The check-in rules, decided offline from the member cache.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::model::Member;
use crate::domain::settings::Settings;

/// Why a check-in is refused: a stable code the faces word in the member's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Inactive,
    WrongLocation,
    NoPlan,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::WrongLocation => "wrong_location",
            Self::NoPlan => "no_plan",
        }
    }

    /// What staff read in Nexudus (the FailedCheckin `Description`).
    pub fn staff_description(self, location_name: &str) -> String {
        match self {
            Self::Inactive => "Kiosk: the member is not active".to_owned(),
            Self::WrongLocation => format!("Kiosk: the member does not belong to {location_name}"),
            Self::NoPlan => "Kiosk: the member has no plan and pay-as-you-go is off".to_owned(),
        }
    }
}

/// Whether `member` may check in at `location` under `settings`. The kiosk refuses only what it
/// knows for sure: without the account's contracts (`plans_known` false: never read, or the
/// role to read them is missing) it does not refuse for a missing plan, and the server decides.
pub fn check_in_allowed(
    member: &Member,
    location: i64,
    settings: &Settings,
    plans_known: bool,
) -> Result<(), Refusal> {
    if !member.active {
        return Err(Refusal::Inactive);
    }
    if !member.belongs_to(location) {
        return Err(Refusal::WrongLocation);
    }
    if plans_known && member.plan.is_none() && !settings.pay_as_you_go {
        return Err(Refusal::NoPlan);
    }
    Ok(())
}

/// When a check-in tapped at `now` starts: now, unless the member's newest check-in started in
/// the same second, then at the next second. Nexudus keeps `FromTime` to the second, and where
/// it does not keep `SystemId` a lost answer is found by member and `FromTime` alone: two
/// check-ins of one member in one second could not be told apart (a double-tap window of 0 lets
/// a member tap in, out and in again within a second).
pub fn start_of_check_in(now: DateTime<Utc>, latest_start: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let second = |t: DateTime<Utc>| t.timestamp();
    match latest_start {
        Some(last) if second(last) >= second(now) => {
            DateTime::from_timestamp(second(last) + 1, 0).unwrap_or(now)
        }
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_check_in_of_a_member_within_one_second_starts_at_the_next_second() {
        let at = |s: i64, ms: u32| DateTime::from_timestamp(s, ms * 1_000_000).unwrap();
        let cases = [
            (at(100, 500), None, at(100, 500)),
            (at(100, 500), Some(at(99, 900)), at(100, 500)),
            (at(100, 800), Some(at(100, 100)), at(101, 0)),
            (at(100, 800), Some(at(101, 0)), at(102, 0)),
        ];
        for (now, latest, starts) in cases {
            assert_eq!(
                start_of_check_in(now, latest),
                starts,
                "{now} after {latest:?}"
            );
        }
    }

    fn member() -> Member {
        Member {
            id: 1,
            full_name: "Zoë Ødegaard".into(),
            company: None,
            active: true,
            plan: Some("Hot Desk".into()),
            home_location: Some(10),
            locations: vec![20],
            teams: vec![],
            pin_hash: None,
            card_hash: None,
            updated_on: None,
        }
    }

    #[test]
    fn each_rule_refuses_with_its_own_reason() {
        let s = Settings::default();
        assert_eq!(check_in_allowed(&member(), 10, &s, true), Ok(()));
        assert_eq!(
            check_in_allowed(&member(), 20, &s, true),
            Ok(()),
            "a second location from Businesses"
        );
        assert_eq!(
            check_in_allowed(&member(), 30, &s, true),
            Err(Refusal::WrongLocation)
        );
        let inactive = Member {
            active: false,
            ..member()
        };
        assert_eq!(
            check_in_allowed(&inactive, 10, &s, true),
            Err(Refusal::Inactive),
            "inactive wins over the rest"
        );
        let no_plan = Member {
            plan: None,
            ..member()
        };
        assert_eq!(
            check_in_allowed(&no_plan, 10, &s, true),
            Err(Refusal::NoPlan)
        );
        assert_eq!(
            check_in_allowed(&no_plan, 10, &s, false),
            Ok(()),
            "without the contracts the kiosk cannot know: the server decides"
        );
        let payg = Settings {
            pay_as_you_go: true,
            ..Settings::default()
        };
        assert_eq!(
            check_in_allowed(&no_plan, 10, &payg, true),
            Ok(()),
            "pay-as-you-go lets them in"
        );
    }
}
