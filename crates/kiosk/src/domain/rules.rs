//! The check-in rules, decided offline from the member cache.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::model::Member;
use crate::domain::passes::{self, Pass, PassUse, PassVerdict};
use crate::domain::settings::Settings;

/// Why a check-in is refused: a stable code the faces word in the member's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Inactive,
    WrongLocation,
    NoPlan,
    /// No plan, and every pass they had is used.
    PassSpent,
    /// No plan, and their unused passes have expired.
    PassExpired,
}

impl Refusal {
    /// Every reason, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Inactive,
        Self::WrongLocation,
        Self::NoPlan,
        Self::PassSpent,
        Self::PassExpired,
    ];

    /// The refusal a stored code names (`code`'s inverse); none for a code of another kind.
    pub fn from_code(code: &str) -> Option<Self> {
        use serde::de::value::{Error, StrDeserializer};
        Self::deserialize(StrDeserializer::<Error>::new(code)).ok()
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::WrongLocation => "wrong_location",
            Self::NoPlan => "no_plan",
            Self::PassSpent => "pass_spent",
            Self::PassExpired => "pass_expired",
        }
    }

    /// What staff read in Nexudus (the FailedCheckin `Description`, in English: the kiosk
    /// does not know the language of whoever reads Nexudus). The kiosk's own screens word the
    /// code instead.
    pub fn staff_description(self, location_name: &str) -> String {
        match self {
            Self::Inactive => "Kiosk: the member is not active".to_owned(),
            Self::WrongLocation => format!("Kiosk: the member does not belong to {location_name}"),
            Self::NoPlan => "Kiosk: the member has no plan and pay-as-you-go is off".to_owned(),
            Self::PassSpent => "Kiosk: the member has no plan and every pass is used".to_owned(),
            Self::PassExpired => {
                "Kiosk: the member has no plan and their passes have expired".to_owned()
            }
        }
    }
}

/// What the kiosk knows of what lets members in, besides their plan.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The account's contracts were read (else a missing plan is never refused: the server
    /// decides).
    pub plans: bool,
    /// The member's passes, where the account's passes were read (`None`: unknown).
    pub passes: Option<Vec<Pass>>,
    /// The member checked in earlier on this calendar day: a day pass used then covers them
    /// all day [doc: a day pass "is valid for a calendar day"].
    pub in_today: bool,
    /// When the location's calendar day began.
    pub today_from: DateTime<Utc>,
}

/// What lets a member in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entitlement {
    Plan,
    /// A pass of theirs, the one Nexudus will use.
    Pass(PassUse),
    /// Already in earlier today: the day's pass covers it.
    SameDay,
    /// The location sells pay-as-you-go passes.
    PayAsYouGo,
    /// The kiosk cannot know (contracts or passes unread): Nexudus decides.
    Unknown,
}

/// Whether `member` may check in at `location` under `settings` at `now`, and by what. The
/// kiosk refuses only what it knows for sure: without the account's contracts or passes (never
/// read, or the role to read them missing) it refuses no one for want of them, and the server
/// decides.
pub fn check_in_allowed(
    member: &Member,
    location: i64,
    settings: &Settings,
    known: &Known,
    now: DateTime<Utc>,
) -> Result<Entitlement, Refusal> {
    if !member.active {
        return Err(Refusal::Inactive);
    }
    if !member.belongs_to(location) {
        return Err(Refusal::WrongLocation);
    }
    if member.plan.is_some() {
        return Ok(Entitlement::Plan);
    }
    if !known.plans {
        return Ok(Entitlement::Unknown);
    }
    if known.in_today {
        return Ok(Entitlement::SameDay);
    }
    let Some(held) = &known.passes else {
        return Ok(Entitlement::Unknown);
    };
    let refusal = match passes::verdict(held, now, known.today_from) {
        PassVerdict::Use(used) => return Ok(Entitlement::Pass(used)),
        PassVerdict::Unsure => return Ok(Entitlement::Unknown),
        PassVerdict::Spent => Refusal::PassSpent,
        PassVerdict::Expired => Refusal::PassExpired,
        PassVerdict::None => Refusal::NoPlan,
    };
    if settings.pay_as_you_go {
        Ok(Entitlement::PayAsYouGo)
    } else {
        Err(refusal)
    }
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

    /// What the kiosk knows: the contracts read or not, the member's passes (none held).
    fn known(plans: bool) -> Known {
        Known {
            plans,
            passes: Some(Vec::new()),
            in_today: false,
            today_from: now(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    #[test]
    fn each_rule_refuses_with_its_own_reason() {
        let s = Settings::default();
        let allowed =
            |m: &Member, location, known: &Known| check_in_allowed(m, location, &s, known, now());
        assert_eq!(allowed(&member(), 10, &known(true)), Ok(Entitlement::Plan));
        assert_eq!(
            allowed(&member(), 20, &known(true)),
            Ok(Entitlement::Plan),
            "a second location from Businesses"
        );
        assert_eq!(
            allowed(&member(), 30, &known(true)),
            Err(Refusal::WrongLocation)
        );
        let inactive = Member {
            active: false,
            ..member()
        };
        assert_eq!(
            allowed(&inactive, 10, &known(true)),
            Err(Refusal::Inactive),
            "inactive wins over the rest"
        );
        let no_plan = Member {
            plan: None,
            ..member()
        };
        assert_eq!(allowed(&no_plan, 10, &known(true)), Err(Refusal::NoPlan));
        assert_eq!(
            allowed(&no_plan, 10, &known(false)),
            Ok(Entitlement::Unknown),
            "without the contracts the kiosk cannot know: the server decides"
        );
        let passes_unread = Known {
            passes: None,
            ..known(true)
        };
        assert_eq!(
            allowed(&no_plan, 10, &passes_unread),
            Ok(Entitlement::Unknown),
            "nor without the passes"
        );
        let payg = Settings {
            pay_as_you_go: true,
            ..Settings::default()
        };
        assert_eq!(
            check_in_allowed(&no_plan, 10, &payg, &known(true), now()),
            Ok(Entitlement::PayAsYouGo),
            "pay-as-you-go lets them in"
        );
    }

    #[test]
    fn a_member_without_a_plan_comes_in_on_a_pass_or_on_the_day_s_pass_and_is_told_which() {
        let s = Settings::default();
        let no_plan = Member {
            plan: None,
            ..member()
        };
        let day_pass = |used: bool, expires: Option<DateTime<Utc>>| Pass {
            id: 1,
            member_id: 1,
            name: "Day Pass".into(),
            used,
            expires,
            price_cents: 2500,
            bought: true,
            remaining_uses: None,
            total_uses: None,
            pending_since: None,
        };
        let holding = |p: Pass| Known {
            passes: Some(vec![p]),
            ..known(true)
        };
        let Ok(Entitlement::Pass(used)) =
            check_in_allowed(&no_plan, 10, &s, &holding(day_pass(false, None)), now())
        else {
            panic!("an unused day pass lets them in");
        };
        assert_eq!((used.name.as_str(), used.left), ("Day Pass", 0));
        assert_eq!(
            check_in_allowed(&no_plan, 10, &s, &holding(day_pass(true, None)), now()),
            Err(Refusal::PassSpent)
        );
        assert_eq!(
            check_in_allowed(
                &no_plan,
                10,
                &s,
                &holding(day_pass(false, Some(now()))),
                now()
            ),
            Err(Refusal::PassExpired)
        );
        let back_today = Known {
            in_today: true,
            ..holding(day_pass(true, None))
        };
        assert_eq!(
            check_in_allowed(&no_plan, 10, &s, &back_today, now()),
            Ok(Entitlement::SameDay),
            "the pass they used this morning covers the afternoon"
        );
    }
}
