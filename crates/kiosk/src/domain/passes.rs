//! Passes: what lets a member without a plan check in (a day pass, a bundle of them), as the
//! kiosk knows them from the account's unused passes. Nexudus picks the pass; the kiosk predicts
//! the same one by the documented order, to say what was used and to refuse only what it knows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One pass a member holds, as the kiosk last knew it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// The CoworkerTimePass Id.
    pub id: i64,
    pub member_id: i64,
    /// "Day Pass": what the member is told was used.
    pub name: String,
    /// Used, as Nexudus said (no longer listed as unused) or as this kiosk used it.
    pub used: bool,
    pub expires: Option<DateTime<Utc>>,
    pub price_cents: i64,
    /// From a plan or a product (a bundle bought), not added by hand.
    pub bought: bool,
    /// Uses left and in all, where the server fills them (it need not: then each pass is one).
    pub remaining_uses: Option<i64>,
    pub total_uses: Option<i64>,
    /// Used here by a check-in Nexudus does not have yet, which began then.
    pub pending_since: Option<DateTime<Utc>>,
}

impl Pass {
    fn usable_at(&self, at: DateTime<Utc>) -> bool {
        !self.used && self.remaining_uses != Some(0) && self.expires.is_none_or(|e| e > at)
    }

    /// Nexudus's order among a customer's day passes [doc: help.nexudus.com, Passes Usage]:
    /// cheaper first, then from plans and products before those added by hand; then the oldest
    /// [infer].
    fn use_order(&self) -> (i64, bool, i64) {
        (self.price_cents, !self.bought, self.id)
    }

    /// The uses this pass has left (one, where the server does not count them).
    fn uses_left(&self) -> i64 {
        self.remaining_uses.unwrap_or(1).max(0)
    }
}

/// What a check-in uses, as the confirmation says it ("Day Pass: 7 left").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PassUse {
    /// The pass the kiosk expects Nexudus to use.
    #[serde(skip)]
    #[ts(skip)]
    pub pass_id: i64,
    pub name: String,
    /// Uses of passes of that name the member has left after this one.
    pub left: i64,
    /// Uses in all, where the server counts them.
    pub of: Option<i64>,
}

/// What a member's passes say of a check-in at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassVerdict {
    Use(PassUse),
    /// They had passes, and every one is used.
    Spent,
    /// They hold unused passes, and every one has expired.
    Expired,
    /// They hold none.
    None,
    /// None is usable for sure, but one was used here on an earlier day by a check-in Nexudus
    /// does not have yet: it may be a pass of minutes with time left. Nexudus decides.
    Unsure,
}

/// Which of `passes` (one member's) a check-in at `at`, on the day that began at `today_from`,
/// uses, or why none can be.
pub fn verdict(passes: &[Pass], at: DateTime<Utc>, today_from: DateTime<Utc>) -> PassVerdict {
    let Some(next) = passes
        .iter()
        .filter(|p| p.usable_at(at))
        .min_by_key(|p| p.use_order())
    else {
        let used_here_before = |p: &Pass| p.pending_since.is_some_and(|t| t < today_from);
        return if passes.iter().any(used_here_before) {
            PassVerdict::Unsure
        } else if passes.is_empty() {
            PassVerdict::None
        } else if passes
            .iter()
            .any(|p| !p.used && p.remaining_uses != Some(0))
        {
            PassVerdict::Expired
        } else {
            PassVerdict::Spent
        };
    };
    let same = || {
        passes
            .iter()
            .filter(|p| p.usable_at(at) && p.name == next.name)
    };
    let left = same().map(Pass::uses_left).sum::<i64>() - 1;
    let of = same()
        .map(|p| p.total_uses)
        .sum::<Option<i64>>()
        .filter(|_| next.total_uses.is_some());
    PassVerdict::Use(PassUse {
        pass_id: next.id,
        name: next.name.clone(),
        left: left.max(0),
        of,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap()
    }

    fn pass(id: i64, price_cents: i64, bought: bool) -> Pass {
        Pass {
            id,
            member_id: 1,
            name: "Day Pass".into(),
            used: false,
            expires: None,
            price_cents,
            bought,
            remaining_uses: None,
            total_uses: None,
            pending_since: None,
        }
    }

    fn used(p: Pass) -> Pass {
        Pass { used: true, ..p }
    }

    #[test]
    fn the_pass_used_is_the_one_nexudus_uses_first_and_the_rest_are_counted() {
        let passes = [
            pass(1, 2500, false),
            pass(2, 2500, true),
            pass(3, 2000, true),
            used(pass(4, 0, true)),
        ];
        let PassVerdict::Use(u) = verdict(&passes, at(), at()) else {
            panic!("a pass is used");
        };
        assert_eq!(u.pass_id, 3, "cheapest first");
        assert_eq!((u.name.as_str(), u.left, u.of), ("Day Pass", 2, None));
        let PassVerdict::Use(u) = verdict(&passes[..2], at(), at()) else {
            panic!("a pass is used");
        };
        assert_eq!(u.pass_id, 2, "bought before added by hand");
    }

    #[test]
    fn a_pass_that_counts_its_uses_says_how_many_of_how_many() {
        let ten = Pass {
            remaining_uses: Some(4),
            total_uses: Some(10),
            ..pass(1, 0, true)
        };
        let PassVerdict::Use(u) = verdict(&[ten], at(), at()) else {
            panic!("a pass is used");
        };
        assert_eq!((u.left, u.of), (3, Some(10)));
    }

    #[test]
    fn spent_and_expired_passes_each_refuse_with_their_own_reason() {
        assert_eq!(verdict(&[], at(), at()), PassVerdict::None);
        assert_eq!(
            verdict(
                &[used(pass(1, 0, true)), used(pass(2, 0, true))],
                at(),
                at()
            ),
            PassVerdict::Spent
        );
        let expired = Pass {
            expires: Some(at()),
            ..pass(3, 0, true)
        };
        assert_eq!(
            verdict(&[used(pass(1, 0, true)), expired.clone()], at(), at()),
            PassVerdict::Expired,
            "an unused pass past its date is expired, whatever else was spent"
        );
        let counted_out = Pass {
            remaining_uses: Some(0),
            ..pass(4, 0, true)
        };
        assert_eq!(verdict(&[counted_out], at(), at()), PassVerdict::Spent);
    }

    #[test]
    fn a_pass_used_here_on_an_earlier_day_not_yet_confirmed_leaves_it_to_nexudus() {
        let yesterday = at() - chrono::Duration::days(1);
        let mine = Pass {
            pending_since: Some(yesterday),
            ..used(pass(1, 0, true))
        };
        assert_eq!(
            verdict(std::slice::from_ref(&mine), at(), at()),
            PassVerdict::Unsure,
            "it may be a pass of minutes with time left: the kiosk cannot refuse for sure"
        );
        let today = Pass {
            pending_since: Some(at()),
            ..mine
        };
        assert_eq!(verdict(&[today], at(), at()), PassVerdict::Spent);
    }
}
