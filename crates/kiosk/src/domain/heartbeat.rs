//! What `kiosk status` tells IT when it runs beside a `kiosk serve`: the running kiosk's own
//! view, which it keeps in its database (its heartbeat), rather than the nothing a second
//! process knows by itself. Which of the two a status shows is said, with its age.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::views::Connectivity;

/// How often the running kiosk writes its heartbeat at most while nothing changes; a change of
/// connectivity is written at once.
pub const BEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// A heartbeat older than this was written by a kiosk that no longer runs (killed, or the
/// machine went off): its rounds end every 15 s, and the longest (a first load of 10,000
/// members) takes about a minute.
pub const STALE_AFTER: Duration = Duration::minutes(3);

/// The running kiosk's view of itself, as it last saved it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// When it was saved.
    pub at: Option<DateTime<Utc>>,
    /// False once the kiosk stopped its sync engine (a clean stop).
    #[serde(default)]
    pub running: bool,
    #[serde(default)]
    pub connectivity: Connectivity,
    #[serde(default)]
    pub last_sync: Option<DateTime<Utc>>,
    /// Requests sent Nexudus in the last hour and day.
    #[serde(default)]
    pub last_hour: u32,
    #[serde(default)]
    pub last_day: u32,
}

/// Whose view a status shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Seen {
    /// This process runs the sync engine: what it knows now.
    ThisKiosk,
    /// Another process runs the kiosk on this data: its view as saved `at`.
    RunningKiosk { at: DateTime<Utc> },
    /// No kiosk runs on this data: the view the last one left `at` (none: it never ran),
    /// and whether it stopped cleanly or stopped saving (killed, switched off).
    NotRunning {
        at: Option<DateTime<Utc>>,
        stopped_cleanly: bool,
    },
}

impl Seen {
    /// Whose view a status shows: this process's own if it runs the engine, else the saved
    /// heartbeat's, fresh or not.
    pub fn of(beat: &Heartbeat, this_process_syncs: bool, now: DateTime<Utc>) -> Self {
        if this_process_syncs {
            return Self::ThisKiosk;
        }
        match beat.at {
            Some(at) if beat.running && now - at <= STALE_AFTER => Self::RunningKiosk { at },
            at => Self::NotRunning {
                at,
                stopped_cleanly: !beat.running,
            },
        }
    }

    /// One line for `kiosk status`.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let ago = |at: DateTime<Utc>| {
            let s = (now - at).num_seconds().max(0);
            if s < 120 {
                format!("{s} s ago")
            } else {
                format!("{} min ago", s / 60)
            }
        };
        match *self {
            Self::ThisKiosk => "this process (it runs the sync)".to_owned(),
            Self::RunningKiosk { at } => {
                format!("the running kiosk, as it saved its state {}", ago(at))
            }
            Self::NotRunning { at: None, .. } => {
                "no kiosk has run on this data folder yet".to_owned()
            }
            Self::NotRunning {
                at: Some(at),
                stopped_cleanly,
            } => format!(
                "no kiosk is running on this data folder; the last one {} {} ({})",
                if stopped_cleanly {
                    "stopped"
                } else {
                    "stopped saving its state (killed or switched off?)"
                },
                ago(at),
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(at: DateTime<Utc>, running: bool) -> Heartbeat {
        Heartbeat {
            at: Some(at),
            running,
            connectivity: Connectivity::Online,
            ..Heartbeat::default()
        }
    }

    #[test]
    fn the_process_that_syncs_speaks_for_itself_whatever_was_saved() {
        let now = Utc::now();
        assert_eq!(Seen::of(&Heartbeat::default(), true, now), Seen::ThisKiosk);
        assert_eq!(
            Seen::of(&beat(now - Duration::hours(1), true), true, now),
            Seen::ThisKiosk
        );
    }

    #[test]
    fn another_process_shows_a_fresh_heartbeat_as_the_running_kiosk_and_a_stale_one_as_stopped() {
        let now = Utc::now();
        let fresh = now - Duration::seconds(20);
        assert_eq!(
            Seen::of(&beat(fresh, true), false, now),
            Seen::RunningKiosk { at: fresh }
        );
        let stale = now - STALE_AFTER - Duration::seconds(1);
        assert_eq!(
            Seen::of(&beat(stale, true), false, now),
            Seen::NotRunning {
                at: Some(stale),
                stopped_cleanly: false
            },
            "a kiosk that stopped saving was killed or switched off"
        );
        assert_eq!(
            Seen::of(&beat(fresh, false), false, now),
            Seen::NotRunning {
                at: Some(fresh),
                stopped_cleanly: true
            },
            "a clean stop is said at once"
        );
        assert_eq!(
            Seen::of(&Heartbeat::default(), false, now),
            Seen::NotRunning {
                at: None,
                stopped_cleanly: true
            }
        );
    }

    #[test]
    fn a_heartbeat_missing_fields_reads_with_their_defaults() {
        let old: Heartbeat = serde_json::from_str(r#"{"last_hour": 3, "last_day": 40}"#).unwrap();
        assert_eq!((old.at, old.last_day, old.running), (None, 40, false));
    }
}
