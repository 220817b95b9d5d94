//! `kiosk doctor` on the command line, against the simulator: a line per check, and an exit
//! status a script can act on.

use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, Simulator};

async fn doctor(sim_url: &str, email: &str, password: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args([
            "doctor",
            "--location",
            "1001",
            "--email",
            email,
            "--data-dir",
        ])
        .arg(dir.path())
        .args(["--api-base", sim_url])
        .env("KIOSK_NEXUDUS_PASSWORD", password)
        .output()
        .await
        .expect("kiosk doctor runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_passes_a_full_account_and_fails_one_that_lacks_roles() {
    let sim = Simulator::start(SimConfig::quiet(50)).await.unwrap();
    let url = sim.base_url();
    let (ok, text) = doctor(&url, DEMO_EMAIL, DEMO_PASSWORD).await;
    assert!(ok, "{text}");
    assert!(text.contains("ok   role Coworker-List: allowed"), "{text}");
    assert!(
        text.contains("GMT Standard Time -> Europe/London"),
        "{text}"
    );
    assert!(text.contains("of the hour's 5,000"), "{text}");

    // The simulator's read-only account lacks most roles.
    let (ok, text) = doctor(&url, "reader@demo.nexudus-sim.local", "reader").await;
    assert!(!ok, "exit 1 when a check fails");
    assert!(
        text.contains("FAIL role Business-List: missing role Business-List"),
        "{text}"
    );
    assert!(
        text.contains("what to do: give the kiosk's Nexudus user"),
        "{text}"
    );
}
