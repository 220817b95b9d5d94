//! The check-in rules, decided offline from the member cache.

use serde::{Deserialize, Serialize};

use crate::model::Member;
use crate::settings::Settings;

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

#[cfg(test)]
mod tests {
    use super::*;

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
