//! What this process has answered since it started, counted for a metrics scrape: taps by what
//! they did, refusals by their reason. Counters only go up (a restart starts them at zero,
//! which Prometheus reads as a reset), so a scrape needs no database read for them.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::rules::Refusal;
use crate::domain::views::TapOutcome;

/// What a tap did, as a metric's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TapKind {
    CheckIn,
    CheckOut,
    Undone,
    Refused,
    Ignored,
    /// A PIN or card that is nobody's (wrong tries: a rising rate is someone guessing).
    UnknownPin,
    UnknownCard,
}

impl TapKind {
    pub const ALL: [Self; 7] = [
        Self::CheckIn,
        Self::CheckOut,
        Self::Undone,
        Self::Refused,
        Self::Ignored,
        Self::UnknownPin,
        Self::UnknownCard,
    ];

    pub fn of(outcome: &TapOutcome) -> Self {
        match outcome {
            TapOutcome::Welcome { .. } => Self::CheckIn,
            TapOutcome::Goodbye { .. } => Self::CheckOut,
            TapOutcome::Undone { .. } => Self::Undone,
            TapOutcome::Rejected { .. } => Self::Refused,
            TapOutcome::Ignored { .. } => Self::Ignored,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::CheckOut => "check_out",
            Self::Undone => "undone",
            Self::Refused => "refused",
            Self::Ignored => "ignored",
            Self::UnknownPin => "unknown_pin",
            Self::UnknownCard => "unknown_card",
        }
    }
}

/// Taps and refusals counted since the process started.
#[derive(Debug, Default)]
pub struct Tally {
    taps: [AtomicU64; TapKind::ALL.len()],
    refusals: [AtomicU64; Refusal::ALL.len()],
}

impl Tally {
    /// A tap answered with `outcome` (a refusal is also counted by its reason).
    pub fn tapped(&self, outcome: &TapOutcome) {
        let kind = TapKind::of(outcome);
        self.taps[kind as usize].fetch_add(1, Ordering::Relaxed);
        if let TapOutcome::Rejected { reason, .. } = outcome {
            self.refusals[*reason as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A PIN or card that is nobody's.
    pub fn unknown(&self, kind: TapKind) {
        self.taps[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Every kind of tap with its count, zeros included (a series that appears only after its
    /// first tap makes `rate()` miss that tap).
    pub fn taps(&self) -> impl Iterator<Item = (TapKind, u64)> + '_ {
        TapKind::ALL
            .into_iter()
            .map(|k| (k, self.taps[k as usize].load(Ordering::Relaxed)))
    }

    /// Every reason of refusal with its count, zeros included.
    pub fn refusals(&self) -> impl Iterator<Item = (Refusal, u64)> + '_ {
        Refusal::ALL
            .into_iter()
            .map(|r| (r, self.refusals[r as usize].load(Ordering::Relaxed)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;

    fn welcome() -> TapOutcome {
        TapOutcome::Welcome {
            member_id: 1,
            first_name: "Ada".into(),
            at: Utc::now(),
            at_local: "09:00".into(),
            checkin: Uuid::nil(),
            pass: None,
        }
    }

    fn refused(reason: Refusal) -> TapOutcome {
        TapOutcome::Rejected {
            member_id: None,
            first_name: String::new(),
            reason,
        }
    }

    #[test]
    fn each_tap_counts_once_under_its_kind_and_a_refusal_under_its_reason_too() {
        let tally = Tally::default();
        tally.tapped(&welcome());
        tally.tapped(&welcome());
        tally.tapped(&refused(Refusal::PassSpent));
        let taps: Vec<_> = tally.taps().collect();
        assert_eq!(
            taps,
            vec![
                (TapKind::CheckIn, 2),
                (TapKind::CheckOut, 0),
                (TapKind::Undone, 0),
                (TapKind::Refused, 1),
                (TapKind::Ignored, 0),
                (TapKind::UnknownPin, 0),
                (TapKind::UnknownCard, 0),
            ],
            "every kind is listed, zeros included"
        );
        let refusals: Vec<_> = tally.refusals().filter(|(_, n)| *n > 0).collect();
        assert_eq!(refusals, vec![(Refusal::PassSpent, 1)]);
        assert_eq!(tally.refusals().count(), Refusal::ALL.len());
    }

    #[test]
    fn every_kind_and_reason_has_its_own_label() {
        let kinds: std::collections::HashSet<_> = TapKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(kinds.len(), TapKind::ALL.len());
        for (i, k) in TapKind::ALL.iter().enumerate() {
            assert_eq!(
                *k as usize, i,
                "ALL is in declaration order: it indexes the counters"
            );
        }
        for (i, r) in Refusal::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i, "Refusal::ALL is in declaration order");
        }
    }
}
