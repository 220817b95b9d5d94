//! Ninety days unattended at one location (issue 25, point 5), on a fast clock: 2,000
//! members, a working day of taps in and out, three invited guests signing in and out, a
//! nightly outage with taps made during it, the day's syncs, auto-checkout, and a restart
//! every ten days. Every check-in reaches the server
//! once; the database (with its write-ahead log) stops growing once the oldest day is past its
//! retention; the queue's sent entries and old visits are forgotten by the documented
//! retention (`store::retention`). The size per simulated day is printed for docs/.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kiosk::domain::attempts::Caller;
use kiosk::domain::clock::ManualClock;
use kiosk::services::VisitorOutcome;
use kiosk::{Kiosk, TapOutcome};
use nexudus::{Limits, VisitorWrite};
use scenarios::{connect, eligible, fast_sync, kiosk_config, quiet_sim};

const DAYS: i64 = 90;
/// Members in on a working day, and how many of them tap out themselves (the rest are closed
/// by the auto-checkout).
const IN_A_DAY: usize = 80;
const OUT_BY_HAND: usize = 50;
/// Taps made during the nightly outage.
const AT_NIGHT: usize = 4;
/// Guests reception invites for each day.
const GUESTS: i64 = 3;

fn open(dir: &std::path::Path, clock: &ManualClock) -> Kiosk {
    Kiosk::open(kiosk::KioskConfig {
        clock: Arc::new(clock.clone()),
        ..kiosk_config(dir, Limits::unlimited())
    })
    .expect("the kiosk opens")
}

/// This process's resident memory in MB (the kiosk and the simulator both: the simulator
/// keeps every check-in it was sent).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The database and its write-ahead log, in bytes.
fn on_disk(dir: &std::path::Path) -> u64 {
    ["kiosk.db", "kiosk.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ninety_days_unattended_lose_nothing_and_the_database_stops_growing() {
    let sim = quiet_sim(2_000).await;
    let dir = tempfile::tempdir().unwrap();
    // Day 0 begins at midnight UTC (the location is in London: an hour either way).
    let day0: DateTime<Utc> = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let clock = ManualClock::new(day0 + Duration::hours(8));
    let mut kiosk = open(dir.path(), &clock);
    connect(&kiosk, &sim).await;
    let members = eligible(&sim);
    assert!(members.len() >= IN_A_DAY * 3, "{} members", members.len());
    let at = |t: DateTime<Utc>| {
        clock.set(t);
        sim.set_clock_offset(t - Utc::now());
    };

    let reception = scenarios::other_client_with(&sim, "reception", Limits::unlimited()).await;
    let mut welcomed = 0usize;
    let mut sizes = Vec::new();
    for day in 0..DAYS {
        let morning = day0 + Duration::days(day) + Duration::hours(9);
        at(morning - Duration::hours(2));
        let codes: Vec<String> = (0..GUESTS).map(|g| format!("S{day:03}{g}")).collect();
        for (g, code) in codes.iter().enumerate() {
            let mut invite = VisitorWrite::new(
                scenarios::HOME,
                format!("Guest {day}-{g}"),
                format!("guest{day}x{g}@example.com"),
                morning + Duration::hours(g as i64 + 1),
            );
            invite.visitor_code = Some(code.clone());
            reception.create_visitor(&invite).await.unwrap();
        }
        // A different crowd each day, from the whole membership.
        let start = (day as usize * IN_A_DAY) % (members.len() - IN_A_DAY);
        let crowd = &members[start..start + IN_A_DAY];
        at(morning);
        for (i, m) in crowd.iter().enumerate() {
            clock.set(morning + Duration::seconds(i as i64 * 7));
            match kiosk.members().tap(*m).unwrap() {
                TapOutcome::Welcome { .. } => welcomed += 1,
                other => panic!("day {day}: member {m} did not check in: {other:?}"),
            }
        }
        kiosk.account().sync_once(&fast_sync()).await;
        for code in &codes {
            let arrived = kiosk
                .visitors()
                .sign_in_looking_up(Caller::Screen, code)
                .await
                .unwrap();
            assert!(
                matches!(arrived, VisitorOutcome::Arrived { .. }),
                "day {day}: guest {code}: {arrived:?}"
            );
        }
        at(morning + Duration::hours(8));
        for code in &codes {
            kiosk.visitors().sign_out(Caller::Screen, code).unwrap();
        }
        for m in &crowd[..OUT_BY_HAND] {
            assert!(
                matches!(kiosk.members().tap(*m).unwrap(), TapOutcome::Goodbye { .. }),
                "day {day}: {m} taps out"
            );
        }
        kiosk.account().sync_once(&fast_sync()).await;

        // The night: the line is down, and a few late members tap in anyway.
        sim.set_outage(true);
        let night = morning + Duration::hours(13);
        at(night);
        for (i, m) in crowd[OUT_BY_HAND..OUT_BY_HAND + AT_NIGHT]
            .iter()
            .enumerate()
        {
            clock.set(night + Duration::seconds(i as i64 * 7));
            let _ = kiosk.members().tap(*m).unwrap();
        }
        kiosk.account().sync_once(&fast_sync()).await;
        sim.set_outage(false);

        // Early next morning: auto-checkout, the backlog, the day's housekeeping.
        at(day0 + Duration::days(day + 1) + Duration::hours(4));
        let status = kiosk.account().sync_once(&fast_sync()).await;
        assert_eq!(
            (status.pending, status.parked),
            (0, 0),
            "day {day}: the night's backlog went out: {status:?}"
        );
        if day % 10 == 9 {
            drop(kiosk);
            kiosk = open(dir.path(), &clock);
        }
        sizes.push((on_disk(dir.path()), resident_mb()));
    }

    // Nothing lost, nothing doubled: every check-in the kiosk welcomed is on the server once.
    let server = sim.checkins();
    let ids: HashSet<_> = server.iter().map(scenarios::server_identity).collect();
    assert_eq!(ids.len(), server.len(), "no check-in twice on the server");
    let night_welcomes = server.len() - welcomed;
    assert!(
        night_welcomes <= DAYS as usize * AT_NIGHT,
        "the server holds the kiosk's {welcomed} day check-ins and at most the night's: {}",
        server.len()
    );
    assert!(server.len() >= welcomed, "every welcome reached the server");
    assert!(
        server.iter().all(|c| c.to_time.is_some()),
        "every visit closed, by hand or by the auto-checkout"
    );
    let guests: Vec<_> = sim
        .visitors()
        .into_iter()
        .filter(|v| v.full_name.starts_with("Guest "))
        .collect();
    assert_eq!(guests.len(), (DAYS * GUESTS) as usize);
    assert!(
        guests.iter().all(|v| v.arrived && v.arrival_date.is_some()),
        "every guest's arrival reached Nexudus"
    );

    let mb = |b: u64| b as f64 / 1_048_576.0;
    for day in (9..DAYS as usize).step_by(10) {
        eprintln!(
            "soak: day {:>2}: {:.2} MB on disk, {:.0} MB resident (kiosk and simulator)",
            day + 1,
            mb(sizes[day].0),
            sizes[day].1
        );
    }
    // Past the 35 days of visits kept, each day's new rows replace a forgotten day's: the file
    // reuses the freed pages instead of growing.
    let (at_50, at_90) = (sizes[49].0, sizes[89].0);
    assert!(
        at_90 <= at_50 + at_50 / 10,
        "the database stopped growing after the retention: {:.2} MB at day 50, {:.2} MB at day 90",
        mb(at_50),
        mb(at_90)
    );
    let (checkins_kept, entries_kept) = kiosk::store::Store::open(&dir.path().join("kiosk.db"))
        .unwrap()
        .read(|tx| {
            Ok::<_, kiosk::StoreError>((
                tx.checkins_since(scenarios::HOME, day0)?.len(),
                tx.outbox_count(kiosk::domain::model::OutboxStatus::Done)?,
            ))
        })
        .unwrap();
    assert!(
        checkins_kept <= 36 * (IN_A_DAY + AT_NIGHT),
        "{checkins_kept} check-ins kept: about 35 days' worth"
    );
    assert!(
        entries_kept <= 8 * 2 * (IN_A_DAY + AT_NIGHT) as i64,
        "{entries_kept} sent entries kept: about a week's worth"
    );
}

/// A kiosk that cannot reach Nexudus for 16 days, when a refresh token lives 15: the staff
/// desk says the login runs out days before it does, taps are taken all along, and once a
/// staff member logs in again the whole queue goes out, each check-in once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_days_offline_are_announced_days_before_and_a_staff_login_sends_the_queue_whole() {
    let sim = quiet_sim(600).await;
    let dir = tempfile::tempdir().unwrap();
    let t0 = Utc::now();
    let clock = ManualClock::new(t0);
    let kiosk = open(dir.path(), &clock);
    connect(&kiosk, &sim).await;
    let members = eligible(&sim);
    sim.set_outage(true);
    let mut welcomed = 0;
    let mut warned_on = None;
    for day in 1..=16_i64 {
        let morning = t0 + Duration::days(day);
        clock.set(morning);
        sim.set_clock_offset(morning - Utc::now());
        // Five members a day, different ones each day.
        let crowd = &members[day as usize * 5..day as usize * 5 + 5];
        for (i, m) in crowd.iter().enumerate() {
            clock.set(morning + Duration::seconds(i as i64 * 7));
            if matches!(kiosk.members().tap(*m).unwrap(), TapOutcome::Welcome { .. }) {
                welcomed += 1;
            }
        }
        kiosk.account().sync_once(&fast_sync()).await;
        let health = kiosk.desk().health().unwrap();
        if health.login_runs_out_soon && warned_on.is_none() {
            warned_on = Some(day);
            assert!(
                health
                    .to_string()
                    .contains("unless the kiosk reaches Nexudus before"),
                "{health}"
            );
        }
    }
    assert_eq!(
        warned_on,
        Some(11),
        "the desk says so four days before the 15 days run out"
    );
    assert_eq!(welcomed, 16 * 5, "every tap taken while offline");

    sim.set_outage(false);
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.connectivity,
        kiosk::Connectivity::NeedsLogin,
        "16 days: the refresh token ran out on the server: {status:?}"
    );
    assert!(status.pending > 0 && status.parked == 0, "{status:?}");

    // A staff member logs in again a few minutes later (the clock stands still otherwise: the
    // entries' retries are due by it): the queue goes out whole.
    let later = t0 + Duration::days(16) + Duration::minutes(5);
    clock.set(later);
    sim.set_clock_offset(later - Utc::now());
    connect(&kiosk, &sim).await;
    let status = scenarios::drain(&kiosk, std::time::Duration::from_mins(1)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let server = sim.checkins();
    let ids: HashSet<_> = server.iter().map(scenarios::server_identity).collect();
    assert_eq!(
        (server.len(), ids.len()),
        (welcomed, welcomed),
        "each check-in of the 16 days once"
    );
}
