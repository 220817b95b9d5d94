//! A kiosk killed with SIGKILL at random moments around its start, 120 times, as a power cut at
//! reception would: it never needs a staff login afterwards. Nexudus retires a refresh token
//! when it issues the next one, so a renewal cut short between the server's answer and the
//! kiosk's disk loses the session; the kiosk keeps its access token with its secrets and does
//! not renew at every start, so there is no such moment to hit.

use std::time::Duration;

use kiosk::Connectivity;
use nexudus::Limits;
use rand::{Rng, SeedableRng};
use scenarios::{connect, fast_sync, open_kiosk, quiet_sim};

const KILLS: u64 = 120;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_around_start_up_120_times_the_kiosk_stays_logged_in() {
    let sim = quiet_sim(60).await;
    let dir = tempfile::tempdir().unwrap();
    connect(&open_kiosk(dir.path(), Limits::unlimited()), &sim).await;
    let members = scenarios::tapper_members(&sim, 5);
    let grants_before = token_requests(&sim);
    let mut rng = rand::rngs::StdRng::seed_from_u64(15);

    for kill in 0..KILLS {
        let mut child = scenarios::tapper(
            env!("CARGO_BIN_EXE_tapper"),
            dir.path(),
            &sim,
            &members,
            kill,
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the tapper starts");
        // Start-up is where the session was renewed: open, read the secrets, first request.
        tokio::time::sleep(Duration::from_millis(rng.random_range(2..90))).await;
        child.start_kill().expect("SIGKILL");
        child.wait().await.unwrap();
    }

    assert_eq!(
        token_requests(&sim),
        grants_before,
        "no start renewed the session while its access token was good"
    );
    // The login is intact: a kiosk opened now talks to the server, and can still renew.
    sim.expire_access_tokens();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.connectivity,
        Connectivity::Online,
        "no staff login needed after {KILLS} kills: {status:?}"
    );
}

fn token_requests(sim: &nexudus_sim::SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/api/token")
        .count()
}
