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

/// The refresh token kept durably in the kiosk's secrets file (the scenarios' backend).
fn kept_refresh_token(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("secrets.json")).ok()?;
    let map: serde_json::Value = serde_json::from_str(&text).ok()?;
    map["refresh_token"].as_str().map(str::to_owned)
}

/// A kiosk switched on after its access token lapsed must renew, and Nexudus retires the old
/// refresh token as it answers. The process is stopped right after the new one was staged,
/// before its durable copy (a pause point), and killed there: the next start finds the staged
/// token and is logged in (issue 25, point 1). Checked to fail with nothing staged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_killed_after_its_renewed_session_was_staged_stays_logged_in() {
    let sim = quiet_sim(60).await;
    let dir = tempfile::tempdir().unwrap();
    connect(&open_kiosk(dir.path(), Limits::unlimited()), &sim).await;
    let members = scenarios::tapper_members(&sim, 5);
    let old = kept_refresh_token(dir.path()).expect("a session is kept");
    sim.expire_access_tokens();
    let grants = token_requests(&sim);

    let mut child = scenarios::tapper(env!("CARGO_BIN_EXE_tapper"), dir.path(), &sim, &members, 1)
        .env("FAILPOINTS", "session-staged=sleep(60000)")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the tapper starts");
    let renewed = || {
        sim.requests()
            .iter()
            .filter(|r| r.path == "/api/token" && r.status == 200)
            .count()
            > grants
    };
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while !renewed() && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(renewed(), "the start renewed the session");
    // Staging is a plain write; give it a moment, then kill the process paused after it.
    let staged = dir.path().join("session.staged");
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while !staged.exists() && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        kept_refresh_token(dir.path()).as_deref(),
        Some(old.as_str()),
        "killed before the durable copy: the kept token is the retired one"
    );
    child.start_kill().expect("SIGKILL");
    child.wait().await.unwrap();

    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.connectivity,
        Connectivity::Online,
        "the staged session was found: no staff login needed: {status:?}"
    );
    assert_ne!(
        kept_refresh_token(dir.path()),
        Some(old),
        "and it is kept now"
    );
}

fn token_requests(sim: &nexudus_sim::SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/api/token")
        .count()
}
