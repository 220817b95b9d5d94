//! A kiosk that taps members as fast as it can while its sync engine runs, printing one line
//! per acknowledged tap. The crash scenario kills it with SIGKILL at random moments.
//!
//! `tapper DATA_DIR SIM_BASE_URL MEMBER_IDS(comma-separated) SEED`

use std::io::Write;
use std::time::Duration;

use kiosk::TapOutcome;
use rand::{Rng, SeedableRng};

#[tokio::main]
async fn main() {
    // Pause points a scenario sets through FAILPOINTS (`session-staged=sleep(60000)`).
    let _pauses = fail::FailScenario::setup();
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, base, members, seed] = args.as_slice() else {
        eprintln!("usage: tapper DATA_DIR SIM_BASE_URL MEMBER_IDS SEED");
        std::process::exit(2);
    };
    let members: Vec<i64> = members
        .split(',')
        .map(|m| m.parse().expect("member ids"))
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.parse().expect("seed"));
    let kiosk = scenarios::open_kiosk(std::path::Path::new(dir), nexudus::Limits::unlimited());
    if kiosk.account().settings().location.is_none() {
        kiosk
            .account()
            .connect(
                base,
                nexudus_sim::DEMO_EMAIL,
                &nexudus::Secret::new(nexudus_sim::DEMO_PASSWORD),
                None,
            )
            .await
            .expect("login");
        let settings = kiosk::Settings {
            location: Some(scenarios::location()),
            double_tap_seconds: 0,
            ..kiosk::Settings::default()
        };
        kiosk
            .account()
            .update_settings(
                &kiosk.staff().by_pin(scenarios::STAFF_PIN).unwrap(),
                settings,
            )
            .expect("settings");
    }
    while kiosk.members().member_count() == 0 {
        kiosk.account().sync_once(&scenarios::fast_sync()).await;
    }
    // Runs for as long as the process does.
    let _sync = kiosk.account().start_sync(scenarios::fast_sync());
    let mut out = std::io::stdout().lock();
    loop {
        let member = members[rng.random_range(0..members.len())];
        match kiosk.members().tap(member) {
            Ok(TapOutcome::Welcome { at, .. }) => {
                writeln!(out, "ACK {member} in {}", kiosk::store::ts(&at)).unwrap();
            }
            Ok(TapOutcome::Goodbye { at, .. }) => {
                writeln!(out, "ACK {member} out {}", kiosk::store::ts(&at)).unwrap();
            }
            Ok(other) => writeln!(out, "OTHER {member} {other:?}").unwrap(),
            Err(e) => eprintln!("tap {member}: {e}"),
        }
        out.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(rng.random_range(1..4))).await;
    }
}
