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
        kiosk.tap(member).unwrap();
    }
    let status = drain(&kiosk, Duration::from_secs(60)).await;
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
