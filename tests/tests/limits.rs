//! The kiosk against the simulator's published throttle (the six windows of the current table):
//! it never sends a request the server would refuse.

use std::time::Duration;

use nexudus::Limits;
use nexudus_sim::{SimConfig, Simulator};
use scenarios::{connect, drain, eligible, open_kiosk};

/// Issue 10, failure 6: the old limiter sent up to ten reads per 100 ms, and the first load of a
/// location was throttled by Nexudus's current table (one request per 100 ms for all methods).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_under_the_published_limits_is_never_throttled() {
    let sim = Simulator::start(SimConfig {
        members: 300,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts");
    assert!(sim.throttle().enabled, "the published throttle is on");
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::default());
    connect(&kiosk, &sim).await;
    for member in eligible(&sim).into_iter().take(8) {
        kiosk.members().tap(member).unwrap();
    }
    let status = drain(&kiosk, Duration::from_mins(1)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let requests = sim.requests();
    let throttled: Vec<_> = requests.iter().filter(|r| r.status == 409).collect();
    assert!(
        throttled.is_empty(),
        "{} of {} requests throttled, first: {:?}",
        throttled.len(),
        requests.len(),
        throttled.first()
    );
    assert_eq!(sim.checkins().len(), 8, "every tap reached the server once");
}

/// The fleet budget: a location often has several kiosks and other integrations on one
/// account. Five kiosks at one location of 2,000 members, each its own API client under the
/// published limits and on the engines' own schedule (today's check-ins every 15 s, the fill of
/// whole records on), against the simulator's current table: nothing is throttled, and each
/// kiosk shows the others' check-ins within one pull interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_kiosks_on_one_location_stay_under_the_limits_and_see_each_other_within_a_pull() {
    use kiosk::SyncOptions;
    use scenarios::STAFF_PIN;

    let sim = Simulator::start(SimConfig {
        members: 2000,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts");
    let dirs: Vec<_> = (0..5).map(|_| tempfile::tempdir().unwrap()).collect();
    let kiosks: Vec<_> = dirs
        .iter()
        .map(|d| open_kiosk(d.path(), Limits::default()))
        .collect();
    // Each kiosk is set up in turn, as staff do; then all five run at once.
    for kiosk in &kiosks {
        connect(kiosk, &sim).await;
    }
    let options = SyncOptions {
        tick: Duration::from_millis(500),
        ..SyncOptions::default()
    };
    let pull_interval = options.checkin_interval.to_std().unwrap();
    let engines: Vec<_> = kiosks
        .iter()
        .map(|k| k.account().start_sync(options.clone()))
        .collect();

    // Ten members tap, two on each kiosk, at once; then every other kiosk must show each of them
    // in within one pull interval (and the write's trip).
    let members: Vec<i64> = eligible(&sim).into_iter().take(10).collect();
    let at = std::time::Instant::now();
    for (i, member) in members.iter().enumerate() {
        kiosks[i % kiosks.len()].members().tap(*member).unwrap();
    }
    let mut unseen: Vec<(i64, usize)> = members
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            (0..kiosks.len())
                .filter(move |k| *k != i % 5)
                .map(move |k| (*m, k))
        })
        .collect();
    let mut slowest = Duration::ZERO;
    while !unseen.is_empty() {
        let elapsed = at.elapsed();
        assert!(
            elapsed < pull_interval + Duration::from_secs(5),
            "not seen after {elapsed:?} (member, kiosk): {unseen:?}"
        );
        let ins: Vec<Vec<i64>> = kiosks
            .iter()
            .map(|k| {
                k.desk()
                    .who_is_in(&k.staff().by_pin(STAFF_PIN).unwrap())
                    .unwrap()
                    .iter()
                    .map(|t| t.member_id)
                    .collect()
            })
            .collect();
        let before = unseen.len();
        unseen.retain(|(m, k)| !ins[*k].contains(m));
        if unseen.len() < before {
            slowest = elapsed;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for engine in &engines {
        engine.stop().await;
    }
    let requests = sim.requests();
    let throttled: Vec<_> = requests.iter().filter(|r| r.status == 409).collect();
    for r in &throttled {
        eprintln!("throttled: {} {} {} at {}", r.method, r.path, r.query, r.at);
    }
    let throttled = throttled.len();
    assert_eq!(
        throttled,
        0,
        "{throttled} of {} requests throttled",
        requests.len()
    );
    eprintln!(
        "five kiosks: {} requests, slowest sighting {slowest:?}",
        requests.len()
    );
}
