//! Two kiosks at one location, against one server: a member who taps on both before they have
//! heard from each other still has one open check-in on the server.

use std::time::{Duration, Instant};

use chrono::Utc;
use kiosk::{SyncOptions, TapOutcome};
use nexudus::{CheckinWrite, Limits, Source};
use nexudus_sim::SimHandle;
use scenarios::{HOME, connect, eligible, open_kiosk, quiet_sim};

/// The engines' own schedule (today's check-ins pulled every 15 s), retries kept short.
fn engine_options() -> SyncOptions {
    SyncOptions {
        tick: Duration::from_millis(100),
        backoff_base: chrono::Duration::milliseconds(50),
        backoff_cap: chrono::Duration::seconds(1),
        ..SyncOptions::default()
    }
}

/// How far apart the two taps of a pair are, in ms: at once, half a second, a second, five.
const GAPS_MS: [u64; 4] = [0, 500, 1_000, 5_000];

fn open_on_server(sim: &SimHandle, member: i64) -> usize {
    sim.checkins()
        .iter()
        .filter(|c| c.coworker_id == Some(member) && c.business_id == HOME && c.to_time.is_none())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taps_on_two_kiosks_within_1_5_and_30_seconds_leave_one_open_check_in() {
    let sim = quiet_sim(300).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open_kiosk(dir_a.path(), Limits::unlimited());
    let b = open_kiosk(dir_b.path(), Limits::unlimited());
    connect(&a, &sim).await;
    connect(&b, &sim).await;
    let engines = [
        a.account().start_sync(engine_options()),
        b.account().start_sync(engine_options()),
    ];
    let members = eligible(&sim);
    let gaps = [(members[0], 1), (members[1], 5), (members[2], 30)];

    let start = Instant::now();
    for (member, _) in gaps {
        assert!(matches!(
            a.members().tap(member).unwrap(),
            TapOutcome::Welcome { .. }
        ));
    }
    let mut on_b = Vec::new();
    for (member, gap) in gaps {
        tokio::time::sleep_until((start + Duration::from_secs(gap)).into()).await;
        on_b.push((member, gap, b.members().tap(member).unwrap()));
    }
    // One pull interval (15 s) and a little: both kiosks have heard everything.
    tokio::time::sleep(Duration::from_secs(17)).await;

    for (member, gap, outcome) in &on_b {
        match (gap, outcome) {
            // Too soon for B to know: it says welcome, and joins A's check-in.
            (1 | 5, TapOutcome::Welcome { .. }) => assert_eq!(
                open_on_server(&sim, *member),
                1,
                "{gap} s apart: one open check-in on the server"
            ),
            // B had pulled A's check-in (every 15 s): the second tap checks the member out.
            (30, TapOutcome::Goodbye { .. }) => assert_eq!(
                open_on_server(&sim, *member),
                0,
                "30 s apart: checked in on A, out on B"
            ),
            other => panic!("unexpected answer on B: {other:?}"),
        }
        let in_on_b = b
            .desk()
            .who_is_in(&b.staff().by_pin(scenarios::STAFF_PIN).unwrap())
            .unwrap()
            .iter()
            .any(|t| t.member_id == *member);
        assert_eq!(
            in_on_b,
            *gap != 30,
            "B shows what the server holds for {member}"
        );
    }
    for engine in &engines {
        engine.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_that_opened_a_second_check_in_for_a_member_closes_its_own() {
    let sim = quiet_sim(300).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, &sim).await;
    let member = eligible(&sim)[0];
    let before = Utc::now() - chrono::Duration::minutes(1);
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(open_on_server(&sim, member), 1, "the kiosk's check-in went");

    // Another kiosk had checked the member in a minute earlier, and its write arrives late.
    let other = scenarios::other_client(&sim, "another-kiosk").await;
    let mut write = CheckinWrite::new(HOME, before);
    write.coworker_id = Some(member);
    write.source = Source::Tile;
    write.system_id = Some("another-kiosk".into());
    other.create_checkin(&write).await.unwrap();
    assert_eq!(open_on_server(&sim, member), 2);

    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(
        open_on_server(&sim, member),
        1,
        "the kiosk closed its own, later duplicate"
    );
    let kept = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(member) && c.to_time.is_none())
        .unwrap();
    assert_eq!(
        kept.from_time.timestamp(),
        before.timestamp(),
        "the earlier one (the other kiosk's) stays open"
    );
    assert!(
        kiosk
            .desk()
            .who_is_in(&kiosk.staff().by_pin(scenarios::STAFF_PIN).unwrap())
            .unwrap()
            .iter()
            .any(|t| t.member_id == member),
        "the member is still in, through the other kiosk's check-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosks_sharing_an_account_keep_each_their_session() {
    let sim = quiet_sim(100).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open_kiosk(dir_a.path(), Limits::unlimited());
    let b = open_kiosk(dir_b.path(), Limits::unlimited());
    connect(&a, &sim).await;
    connect(&b, &sim).await;
    // Both must renew their sessions now: B's login must not have retired A's.
    sim.expire_access_tokens();
    for (name, kiosk) in [("A", &a), ("B", &b)] {
        kiosk.account().sync_now();
        let status = kiosk.account().sync_once(&scenarios::fast_sync()).await;
        assert_eq!(
            status.connectivity,
            kiosk::Connectivity::Online,
            "kiosk {name} is still logged in: {status:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_location_costs_a_batch_of_check_ins_no_more_than_a_quiet_one() {
    // Sending check-ins costs the same whatever the day's traffic: no read of the location's
    // check-ins before a batch (a race between kiosks is settled after the fact, at the pull),
    // and no statement per check-in already there. Checked to fail when every open check-in at
    // the location was looked up (116 statements, then 1,102 with 800 others in), when every
    // page was read before each batch (2 reads), and with the one page read per batch of
    // before (1 read).
    let mut cost = Vec::new();
    let mut reads = Vec::new();
    for others in [0, 1_100] {
        let sim = quiet_sim(5_000).await;
        let dir = tempfile::tempdir().unwrap();
        let kiosk = open_kiosk(dir.path(), Limits::unlimited());
        connect(&kiosk, &sim).await;
        let members = eligible(&sim);
        let (taps, busy) = members.split_at(20);
        assert!(busy.len() >= others, "{} members to be in", busy.len());
        let door = scenarios::other_client_with(&sim, "door", Limits::unlimited()).await;
        for m in busy.iter().take(others) {
            let mut w = CheckinWrite::new(HOME, Utc::now());
            w.coworker_id = Some(*m);
            w.source = Source::DoorAccess;
            door.create_checkin(&w).await.unwrap();
        }
        for m in taps {
            kiosk.members().tap(*m).unwrap();
        }
        let before = kiosk.account().statements();
        let requests = sim.requests().len();
        let status = scenarios::drain(&kiosk, Duration::from_mins(1)).await;
        assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
        cost.push(kiosk.account().statements() - before);
        reads.push(
            sim.requests()[requests..]
                .iter()
                .filter(|r| r.method == "GET" && r.path == "/api/spaces/checkins")
                .count(),
        );
    }
    assert!(
        cost[1] <= cost[0] + cost[0] / 2,
        "20 check-ins sent cost {} statements at a quiet location and {} with 1,100 others in",
        cost[0],
        cost[1]
    );
    assert_eq!(
        reads,
        [0, 0],
        "sending reads none of the location's check-ins, busy or quiet"
    );
}

/// A hundred members tap on kiosk A and then on kiosk B, 0, 0.5, 1 or 5 s apart (25 pairs
/// each), and nobody asks for a sync. Within one pull interval (15 s) of the last tap, each
/// member B welcomed has one open check-in on the server, whichever kiosk made it (a member B
/// had heard of says goodbye instead, and is out); each pair both welcomed is merged exactly
/// once, and the two desks count it. The reads it cost are printed for BENCHMARKS.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_pairs_of_taps_on_two_kiosks_settle_within_one_pull_interval_without_asking() {
    let sim = quiet_sim(600).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open_kiosk(dir_a.path(), Limits::unlimited());
    let b = open_kiosk(dir_b.path(), Limits::unlimited());
    connect(&a, &sim).await;
    connect(&b, &sim).await;
    let requests_before = sim.requests().len();
    let engines = [
        a.account().start_sync(engine_options()),
        b.account().start_sync(engine_options()),
    ];
    let members: Vec<i64> = eligible(&sim).into_iter().take(100).collect();
    assert_eq!(members.len(), 100);

    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let mut pairs = Vec::new();
    for (i, member) in members.iter().copied().enumerate() {
        let gap = GAPS_MS[i % GAPS_MS.len()];
        let (a, b) = (a.clone(), b.clone());
        let at = start + Duration::from_millis(100 * i as u64);
        pairs.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            let on_a = a.members().tap(member).unwrap();
            tokio::time::sleep_until(at + Duration::from_millis(gap)).await;
            let on_b = b.members().tap(member).unwrap();
            (member, gap, on_a, on_b)
        }));
    }
    let mut outcomes = Vec::new();
    for pair in pairs {
        outcomes.push(pair.await.unwrap());
    }
    // One pull interval (15 s) after the last tap, and a little for the round itself.
    tokio::time::sleep(Duration::from_secs(17)).await;

    let mut both_welcomed = 0;
    for (member, gap, on_a, on_b) in &outcomes {
        assert!(
            matches!(on_a, TapOutcome::Welcome { .. }),
            "{member}: A checks in"
        );
        match on_b {
            TapOutcome::Welcome { .. } => {
                both_welcomed += 1;
                assert_eq!(
                    open_on_server(&sim, *member),
                    1,
                    "{member}, {gap} ms apart: one open check-in on the server"
                );
            }
            TapOutcome::Goodbye { .. } => assert_eq!(
                open_on_server(&sim, *member),
                0,
                "{member}, {gap} ms apart: B had heard of A's check-in and checked out"
            ),
            other => panic!("{member}: unexpected answer on B: {other:?}"),
        }
    }
    let merged = |k: &kiosk::Kiosk| {
        let staff = k.staff().by_pin(scenarios::STAFF_PIN).unwrap();
        let rt = tokio::runtime::Handle::current();
        tokio::task::block_in_place(|| rt.block_on(k.desk().today(&staff)))
            .unwrap()
            .merged
    };
    let (merged_a, merged_b) = (merged(&a), merged(&b));
    assert_eq!(
        merged_a + merged_b,
        both_welcomed,
        "every pair both kiosks welcomed is merged once, on one of them"
    );
    for engine in &engines {
        engine.stop().await;
    }
    let log = &sim.requests()[requests_before..];
    let count = |method: &str, path: &str| {
        log.iter()
            .filter(|r| r.method == method && r.path.starts_with(path))
            .count()
    };
    // The race check's own reads: a batch that opens check-ins reads the newest page (`dir`
    // descending); the pull of the day's check-ins reads ascending.
    let newest_pages = log
        .iter()
        .filter(|r| r.path == "/api/spaces/checkins" && r.query.contains("dir=Descending"))
        .count();
    eprintln!(
        "pairs 100, both welcomed {both_welcomed}, merged on A {merged_a} and B {merged_b}; \
         requests {} (check-in reads {}, of them newest pages {newest_pages}; check-in writes \
         {} POST + {} PUT)",
        log.len(),
        count("GET", "/api/spaces/checkins"),
        count("POST", "/api/spaces/checkins"),
        count("PUT", "/api/spaces/checkins"),
    );
}
