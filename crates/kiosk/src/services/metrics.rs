//! What IT's Prometheus reads from `GET /metrics`: the kiosk's health ([`Desk::health`]), the
//! taps and refusals it answered, the queue and the age of its oldest entry, the API budget
//! and the "slow down" answers, in the OpenMetrics text format (prometheus-client, the
//! Prometheus project's own Rust client). Nothing personal: counts, times and states only.
//!
//! Each scrape builds its registry anew from values read then: the counters live in
//! [`crate::domain::tally::Tally`] and the request counter, so nothing here holds state.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

use super::Desk;
use crate::domain::views::Connectivity;
use crate::error::KioskError;

type Labels = Vec<(&'static str, &'static str)>;
type FloatGauge = Gauge<f64, AtomicU64>;

fn counter(n: u64) -> Counter {
    let c = Counter::default();
    c.inc_by(n);
    c
}

fn gauge(n: i64) -> Gauge {
    let g = Gauge::default();
    g.set(n);
    g
}

fn seconds(s: f64) -> FloatGauge {
    let g = FloatGauge::default();
    g.set(s);
    g
}

/// A time as a gauge: seconds since 1970 (Prometheus compares it with `time()`).
fn timestamp(at: chrono::DateTime<chrono::Utc>) -> FloatGauge {
    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds since 1970 fit an f64's 52 bits for the next 140,000 years"
    )]
    seconds(at.timestamp_millis() as f64 / 1000.0)
}

impl Desk {
    /// The metrics text of a scrape (see the module's note for what it holds).
    pub fn metrics(&self) -> Result<String, KioskError> {
        let health = self.health()?;
        let now = self.shared.clock.now();
        let oldest = self.shared.store.read(|tx| tx.outbox_oldest_queued())?;
        let mut r = Registry::with_prefix("kiosk");

        let mode = if self.shared.config.demo {
            "demo"
        } else {
            "live"
        };
        r.register(
            "build",
            "The kiosk's version, and whether it runs in demo mode against its simulator",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION")), ("mode", mode)]),
        );

        let taps = Family::<Labels, Counter>::default();
        for (kind, n) in self.shared.tally.taps() {
            taps.get_or_create(&vec![("outcome", kind.code())])
                .inc_by(n);
        }
        r.register(
            "taps",
            "Taps answered since the kiosk started, by what they did (unknown_pin and \
             unknown_card: a PIN or card that is nobody's)",
            taps,
        );
        let refusals = Family::<Labels, Counter>::default();
        for (reason, n) in self.shared.tally.refusals() {
            refusals
                .get_or_create(&vec![("reason", reason.code())])
                .inc_by(n);
        }
        r.register(
            "refusals",
            "Check-ins refused since the kiosk started, by reason",
            refusals,
        );

        let queue = Family::<Labels, Gauge>::default();
        queue
            .get_or_create(&vec![("state", "pending")])
            .set(health.pending);
        queue
            .get_or_create(&vec![("state", "parked")])
            .set(health.parked);
        r.register(
            "queue_entries",
            "Entries waiting to be sent to Nexudus (pending), and those set aside for staff \
             (parked)",
            queue,
        );
        #[allow(
            clippy::cast_precision_loss,
            reason = "an age in milliseconds is far below 2^52"
        )]
        let age = oldest.map_or(0.0, |at| {
            (now - at).num_milliseconds().max(0) as f64 / 1000.0
        });
        r.register_with_unit(
            "queue_oldest_age",
            "How long the oldest entry still to send has waited (0 when none waits)",
            Unit::Seconds,
            seconds(age),
        );

        r.register_with_unit(
            "last_exchange_timestamp",
            "When an exchange with Nexudus last succeeded (0: never since the kiosk started)",
            Unit::Seconds,
            health.last_sync.map_or_else(|| seconds(0.0), timestamp),
        );
        if let Some(until) = health.login_good_until {
            r.register_with_unit(
                "login_expiry_timestamp",
                "When the Nexudus login (its refresh token) runs out unless the kiosk renews \
                 it first",
                Unit::Seconds,
                timestamp(until),
            );
        }
        let connectivity = Family::<Labels, Gauge>::default();
        for state in Connectivity::ALL {
            connectivity
                .get_or_create(&vec![("state", state.as_str())])
                .set(i64::from(state == health.connectivity));
        }
        r.register(
            "connectivity",
            "How the kiosk stands with Nexudus: 1 for the state it is in, 0 for the others",
            connectivity,
        );

        // The badge printer: 1 for its condition as last read; all 0 without a printer.
        let now_printer = *self.shared.printer.lock().unwrap();
        let printer = Family::<Labels, Gauge>::default();
        for condition in crate::domain::badges::PrinterCondition::ALL {
            printer
                .get_or_create(&vec![("condition", condition.as_str())])
                .set(i64::from(Some(condition) == now_printer));
        }
        r.register(
            "printer",
            "The badge printer's condition as last read (every half minute): 1 for the one it \
             is in (ready, out_of_media, stopped, unreachable), 0 for the others; all 0 without \
             a printer",
            printer,
        );

        let sent = &self.shared.requests;
        r.register(
            "api_requests",
            "Requests sent to Nexudus since the kiosk started",
            counter(sent.sent_total()),
        );
        r.register(
            "api_throttled_answers",
            "Answers from Nexudus that said to slow down (HTTP 409, 429 or 503) since the kiosk \
             started",
            counter(sent.throttled_total()),
        );
        let window = Family::<Labels, Gauge>::default();
        window
            .get_or_create(&vec![("window", "hour")])
            .set(i64::from(health.requests_last_hour));
        window
            .get_or_create(&vec![("window", "day")])
            .set(i64::from(health.requests_last_day));
        r.register(
            "api_requests_in_window",
            "Requests sent to Nexudus in the last hour and the last day",
            window,
        );
        let budget = Family::<Labels, Gauge>::default();
        for (name, value) in [("hour", health.hourly_budget), ("day", health.daily_budget)] {
            if let Some(value) = value {
                budget
                    .get_or_create(&vec![("window", name)])
                    .set(i64::from(value));
            }
        }
        r.register(
            "api_request_budget",
            "Requests the account allows in an hour and in a day, as the kiosk keeps under them",
            budget,
        );

        r.register(
            "members",
            "Members in the kiosk's cache",
            gauge(i64::try_from(self.shared.member_count()).unwrap_or(i64::MAX)),
        );
        r.register(
            "unread_records",
            "Records of the account the kiosk could not read (fixed in Nexudus)",
            gauge(i64::try_from(health.unread.len()).unwrap_or(i64::MAX)),
        );
        r.register_with_unit(
            "database_size",
            "The kiosk's database on disk",
            Unit::Bytes,
            gauge(i64::try_from(health.database_bytes).unwrap_or(i64::MAX)),
        );

        let mut text = String::with_capacity(4096);
        encode(&mut text, &r).map_err(|e| KioskError::AnswerEncoding(e.to_string()))?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use crate::services::fixture::fixture;

    /// The value of the sample `name` with `labels` (as written between the braces).
    fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
        let head = if labels.is_empty() {
            format!("{name} ")
        } else {
            format!("{name}{{{labels}}} ")
        };
        text.lines()
            .find_map(|l| l.strip_prefix(&head))
            .and_then(|v| v.parse().ok())
    }

    #[test]
    fn the_badge_printers_condition_is_one_series_at_one() {
        let f = fixture();
        let none = f.kiosk.desk().metrics().unwrap();
        assert_eq!(
            sample(&none, "kiosk_printer", "condition=\"ready\""),
            Some(0.0),
            "no printer: every condition at 0\n{none}"
        );
        *f.kiosk.shared.printer.lock().unwrap() =
            Some(crate::domain::badges::PrinterCondition::OutOfMedia);
        let out = f.kiosk.desk().metrics().unwrap();
        assert_eq!(
            sample(&out, "kiosk_printer", "condition=\"out_of_media\""),
            Some(1.0)
        );
        assert_eq!(
            sample(&out, "kiosk_printer", "condition=\"ready\""),
            Some(0.0)
        );
    }

    #[test]
    fn a_tap_and_a_refusal_move_their_counters_and_the_queue() {
        let f = fixture();
        let before = f.kiosk.desk().metrics().unwrap();
        assert_eq!(
            sample(&before, "kiosk_taps_total", "outcome=\"check_in\""),
            Some(0.0),
            "a counter is there from the start, at zero:\n{before}"
        );
        f.kiosk.members().tap(1).unwrap();
        f.kiosk.members().tap(3).unwrap();
        f.clock.advance(chrono::Duration::seconds(90));
        let after = f.kiosk.desk().metrics().unwrap();
        assert_eq!(
            sample(&after, "kiosk_taps_total", "outcome=\"check_in\""),
            Some(1.0),
            "{after}"
        );
        assert_eq!(
            sample(&after, "kiosk_taps_total", "outcome=\"refused\""),
            Some(1.0)
        );
        assert_eq!(
            sample(&after, "kiosk_refusals_total", "reason=\"inactive\""),
            Some(1.0)
        );
        assert_eq!(
            sample(&after, "kiosk_queue_entries", "state=\"pending\""),
            Some(2.0),
            "a check-in and a failed check-in to send"
        );
        assert_eq!(
            sample(&after, "kiosk_queue_oldest_age_seconds", ""),
            Some(90.0),
            "the oldest waited since the taps, on the kiosk's clock"
        );
        assert!(
            after.ends_with("# EOF\n"),
            "an OpenMetrics exposition ends so"
        );
    }

    #[test]
    fn a_scrape_says_nothing_personal() {
        let f = fixture();
        f.kiosk.members().tap(1).unwrap();
        let text = f.kiosk.desk().metrics().unwrap();
        for personal in ["Zoë", "Ødegaard", "García", "Design Guild"] {
            assert!(!text.contains(personal), "{personal} in:\n{text}");
        }
    }

    #[test]
    fn a_scrape_costs_a_fixed_number_of_statements() {
        let f = fixture();
        f.kiosk.desk().metrics().unwrap();
        let before = f.kiosk.shared.store.statements();
        f.kiosk.desk().metrics().unwrap();
        let cost = f.kiosk.shared.store.statements() - before;
        assert!(
            cost <= 5,
            "a scrape reads the queue (two counts), the heartbeat, unread records and the oldest \
             entry: {cost} statements"
        );
    }
}
