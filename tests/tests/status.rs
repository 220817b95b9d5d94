//! What the status says while the kiosk works, checked against what the server saw.

use std::time::{Duration, Instant};

use kiosk::Connectivity;
use nexudus::{Limits, Rate};
use scenarios::{eligible, fast_sync, loaded_kiosk};

/// While a backlog drains, the status says online within a second of the first write the server
/// took, and `last_sync` moves with the exchanges, not only once the queue is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draining_kiosk_says_online_within_a_second_of_its_first_write() {
    // 20 writes a second: a backlog of over a hundred check-ins takes several seconds.
    let limits = Limits {
        writes: vec![Rate::spread(20, Duration::from_secs(1))],
        all: vec![],
        max_wait: Duration::from_mins(2),
        jitter: Duration::ZERO,
    };
    let (sim, _dir, kiosk) = loaded_kiosk(600, limits).await;
    sim.set_outage(true);
    for member in eligible(&sim).into_iter().take(150) {
        kiosk.members().tap(member).unwrap();
    }
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(status.connectivity, Connectivity::Offline, "{status:?}");
    let offline_sync = status.last_sync;
    sim.set_outage(false);
    // Past the retry delay: the engine's first round goes straight into the backlog.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let engine = kiosk.account().start_sync(fast_sync());
    let started = Instant::now();
    let mut first_write = None;
    let mut said_online = None;
    while started.elapsed() < Duration::from_secs(30) && said_online.is_none() {
        if first_write.is_none() && !sim.checkins().is_empty() {
            first_write = Some(Instant::now());
        }
        let status = kiosk.account().status().unwrap();
        if first_write.is_some() && status.connectivity == Connectivity::Online {
            said_online = Some((Instant::now(), status));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first_write = first_write.expect("the drain reached the server");
    let (at, status) = said_online.expect("the status came online");
    assert!(
        at - first_write < Duration::from_secs(1),
        "online {:?} after the first write the server took",
        at - first_write
    );
    assert!(
        status.pending > 40,
        "still draining when it said online: {status:?}"
    );
    assert!(
        status.last_sync > offline_sync,
        "last_sync moved with the exchange: {status:?}"
    );
    engine.stop().await;
}

/// An account without the role to create check-ins: the status says which call lacks a role,
/// taps wait for it (none parked), and the pulls go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_missing_a_role_says_so_and_the_rest_keeps_working() {
    let sim = scenarios::quiet_sim(200).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = scenarios::open_kiosk(dir.path(), Limits::unlimited());
    scenarios::log_in_as(&kiosk, &sim, "reader@demo.nexudus-sim.local", "reader").await;
    kiosk.account().sync_once(&fast_sync()).await;
    assert!(
        kiosk.members().member_count() > 0,
        "members load with the read roles"
    );
    kiosk.members().tap(eligible(&sim)[0]).unwrap();
    let mut status = kiosk.account().sync_once(&fast_sync()).await;
    for _ in 0..20 {
        if status.connectivity == Connectivity::MissingRole {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = kiosk.account().sync_once(&fast_sync()).await;
    }
    assert_eq!(status.connectivity, Connectivity::MissingRole, "{status:?}");
    let problem = status.problem.expect("the status says what failed");
    assert_eq!(problem.code, kiosk::ErrorCode::Forbidden);
    assert!(problem.message.contains("role"), "{}", problem.message);
    assert_eq!(
        (status.pending, status.parked),
        (1, 0),
        "the tap waits for the role; nothing parked"
    );
    assert!(
        status.last_sync.is_some(),
        "the pulls that are allowed went on"
    );
    // A round that still lacks the role never says "online" on its way to "missing role".
    let mut events = kiosk.subscribe();
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    while let Ok(event) = events.try_recv() {
        assert_ne!(
            event,
            kiosk::Event::Connectivity {
                state: Connectivity::Online
            },
            "no flicker to online while a role is missing"
        );
    }
    assert_eq!(
        kiosk.account().status().unwrap().connectivity,
        Connectivity::MissingRole
    );
}

/// A first member load interrupted by an outage: once Nexudus answers again, the status says
/// online at the first page of members the server answers, not when the whole load is done
/// (issue 25, point 6: it stayed "offline" for 26 s while members were loading).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_load_after_an_outage_says_online_at_its_first_page_of_members() {
    // Four requests a second: 2,000 members (pages, then their teams in batches) take seconds.
    let limits = Limits {
        all: vec![Rate::spread(4, Duration::from_secs(1))],
        writes: vec![],
        max_wait: Duration::from_mins(2),
        jitter: Duration::ZERO,
    };
    let (sim, _dir, kiosk) = scenarios::logged_in_kiosk(2_000, limits).await;
    sim.set_outage(true);
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(status.connectivity, Connectivity::Offline, "{status:?}");
    assert_eq!(status.members, 0, "nothing loaded during the outage");
    sim.set_outage(false);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let engine = kiosk.account().start_sync(fast_sync());
    let first_page = || {
        sim.requests()
            .iter()
            .any(|r| r.path.ends_with("/spaces/coworkers") && r.status == 200)
    };
    let started = Instant::now();
    let mut page_at = None;
    let mut said_online = None;
    while started.elapsed() < Duration::from_mins(1) && said_online.is_none() {
        if page_at.is_none() && first_page() {
            page_at = Some(Instant::now());
        }
        let status = kiosk.account().status().unwrap();
        if status.connectivity == Connectivity::Online {
            said_online = Some((Instant::now(), status));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let page_at = page_at.expect("the load reached the server");
    let (at, status) = said_online.expect("the status came online");
    let late = at.saturating_duration_since(page_at);
    assert!(
        late < Duration::from_secs(1),
        "online {late:?} after the first page of members the server answered"
    );
    let loaded = kiosk.members().member_count();
    engine.stop().await;
    let total = sim.coworkers().len();
    assert!(
        loaded < total,
        "it said online while members were still loading ({loaded} of {total}): {status:?}"
    );
}
