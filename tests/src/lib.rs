//! Shared set-up of the scenarios: a simulator, a kiosk logged in to it, and ways to drain.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kiosk::secrets::SecretStore;
use kiosk::{Connectivity, Kiosk, KioskConfig, Location, Settings, Status, SyncOptions};
use nexudus::{Limits, Secret};
use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, SimHandle, SimUser, Simulator};

/// The kiosk's location in every scenario.
pub const HOME: i64 = 1001;
pub const STAFF_PIN: &str = "2468";

pub fn location() -> Location {
    Location {
        id: HOME,
        name: "Shoreditch Hub".into(),
        time_zone: "Europe/London".into(),
        ..Location::default()
    }
}

/// A simulator with `members` seeded members and its throttle off.
pub async fn quiet_sim(members: usize) -> SimHandle {
    Simulator::start(SimConfig::quiet(members))
        .await
        .expect("the simulator starts")
}

/// The account of [`sim_lacking`]: every role the kiosk needs but the missing ones.
pub const LACKING_EMAIL: &str = "lacking@demo.nexudus-sim.local";
pub const LACKING_PASSWORD: &str = "lacking";

/// A quiet simulator with `members` seeded members and, beside the demo accounts, the account
/// [`LACKING_EMAIL`], which has every role of `nexudus::roles::KIOSK_ROLES` except `missing`.
pub async fn sim_lacking(members: usize, missing: &[&str]) -> SimHandle {
    let roles: Vec<String> = nexudus::roles::KIOSK_ROLES
        .iter()
        .filter(|r| !missing.contains(r))
        .map(|r| (*r).to_owned())
        .collect();
    let mut users = nexudus_sim::default_users();
    users.push(SimUser {
        email: LACKING_EMAIL.into(),
        password: LACKING_PASSWORD.into(),
        roles: Some(roles),
        totp: None,
        must_reset_password: false,
    });
    Simulator::start(SimConfig {
        users,
        ..SimConfig::quiet(members)
    })
    .await
    .expect("the simulator starts")
}

/// Sync options for tests: short backoff, frequent pulls, and no background fill of whole
/// records (its own scenarios turn it on with [`filling`]), so request counts stay the pulls'.
pub fn fast_sync() -> SyncOptions {
    SyncOptions {
        tick: Duration::from_millis(50),
        backoff_base: chrono::Duration::milliseconds(20),
        backoff_cap: chrono::Duration::milliseconds(300),
        fill_batch: 0,
        ..SyncOptions::default()
    }
}

/// [`fast_sync`] with the background fill reading `batch` whole records a round.
pub fn filling(batch: usize) -> SyncOptions {
    SyncOptions {
        fill_batch: batch,
        fill_every: Duration::from_millis(10),
        ..fast_sync()
    }
}

/// How scenarios open a kiosk on `dir` (its secrets in a file there), with client limits
/// `limits`.
pub fn kiosk_config(dir: &Path, limits: Limits) -> KioskConfig {
    KioskConfig {
        data_dir: Some(dir.to_owned()),
        secrets: Some(Arc::new(SecretStore::file(dir))),
        limits,
        request_timeout: Duration::from_secs(3),
        initial_staff_pin: Some(STAFF_PIN.into()),
        ..KioskConfig::default()
    }
}

/// Opens a kiosk on `dir` as [`kiosk_config`] says.
pub fn open_kiosk(dir: &Path, limits: Limits) -> Kiosk {
    Kiosk::open(kiosk_config(dir, limits)).expect("the kiosk opens")
}

/// Logs the kiosk in to the simulator as `email` and picks the location (double taps allowed,
/// auto-checkout on) if it has none; loads nothing.
pub async fn log_in_as(kiosk: &Kiosk, sim: &SimHandle, email: &str, password: &str) {
    kiosk
        .account()
        .connect(&sim.base_url(), email, &Secret::new(password), None)
        .await
        .expect("login");
    if kiosk.account().settings().location.is_none() {
        let settings = Settings {
            location: Some(location()),
            double_tap_seconds: 0,
            auto_checkout: true,
            ..Settings::default()
        };
        kiosk
            .account()
            .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), settings)
            .expect("settings");
    }
}

/// Logs the kiosk in to the simulator's demo account, picks the location (double taps
/// allowed, auto-checkout on) and loads the members.
pub async fn connect(kiosk: &Kiosk, sim: &SimHandle) {
    log_in_as(kiosk, sim, DEMO_EMAIL, DEMO_PASSWORD).await;
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.connectivity,
        Connectivity::Online,
        "the first sync reaches the simulator"
    );
    assert!(status.members > 0, "members loaded");
}

/// A quiet simulator seeded with `members`, and a kiosk at [`HOME`] with client limits
/// `limits`, logged in and with every member loaded, its database in a temporary directory:
/// where most scenarios and benchmarks start. Stop the simulator to keep the network out.
pub async fn loaded_kiosk(members: usize, limits: Limits) -> (SimHandle, tempfile::TempDir, Kiosk) {
    let sim = quiet_sim(members).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kiosk = open_kiosk(dir.path(), limits);
    connect(&kiosk, &sim).await;
    (sim, dir, kiosk)
}

/// [`loaded_kiosk`] before its first sync: logged in to the demo account, nothing loaded.
pub async fn logged_in_kiosk(
    members: usize,
    limits: Limits,
) -> (SimHandle, tempfile::TempDir, Kiosk) {
    let sim = quiet_sim(members).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kiosk = open_kiosk(dir.path(), limits);
    log_in_as(&kiosk, &sim, DEMO_EMAIL, DEMO_PASSWORD).await;
    (sim, dir, kiosk)
}

/// What members type into the search box: one to three letters, the middle of a word, accents
/// typed and not, a space between words.
pub const SEARCH_QUERIES: &[&str] = &[
    "a", "jo", "mar", "e", "gar", "ana", "son", "zoe", "ødeg", "josé", "ç", "de la", "kow", "lefè",
    "ma g",
];

/// Members of the location who may check in (active, with a plan).
pub fn eligible(sim: &SimHandle) -> Vec<i64> {
    sim.coworkers()
        .into_iter()
        .filter(|c| {
            c.active
                && c.tariff_name.is_some()
                && (c.invoicing_business_id == HOME || c.businesses.contains(&HOME))
        })
        .map(|c| c.id)
        .collect()
}

/// Active members of `location` without a plan whose passes `fit` (each member's passes, used
/// or not).
pub fn without_plan(
    sim: &SimHandle,
    location: i64,
    fit: impl Fn(&[nexudus_sim::passes::CoworkerTimePass]) -> bool,
) -> Vec<i64> {
    let passes = sim.passes();
    sim.coworkers()
        .into_iter()
        .filter(|c| c.active && c.tariff_name.is_none() && c.invoicing_business_id == location)
        .filter(|c| {
            let theirs: Vec<nexudus_sim::passes::CoworkerTimePass> = passes
                .iter()
                .filter(|p| p.coworker_id == c.id)
                .cloned()
                .collect();
            fit(&theirs)
        })
        .map(|c| c.id)
        .collect()
}

/// Members the rules refuse (inactive) who still belong to the location.
pub fn inactive(sim: &SimHandle) -> Vec<i64> {
    sim.coworkers()
        .into_iter()
        .filter(|c| !c.active && c.invoicing_business_id == HOME)
        .map(|c| c.id)
        .collect()
}

/// Sync rounds until nothing is pending (or `deadline` passes); answers the last status.
pub async fn drain(kiosk: &Kiosk, deadline: Duration) -> Status {
    drain_with(kiosk, &fast_sync(), deadline).await
}

/// [`drain`] with sync options of the caller's.
pub async fn drain_with(kiosk: &Kiosk, options: &SyncOptions, deadline: Duration) -> Status {
    let until = tokio::time::Instant::now() + deadline;
    loop {
        let status = kiosk.account().sync_once(options).await;
        if status.pending == 0 || tokio::time::Instant::now() > until {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The kiosk's own check-ins (not those read from the server), from its database file.
pub fn kiosk_checkins(dir: &Path) -> Vec<kiosk::domain::model::CheckinRow> {
    let store = kiosk::store::Store::open(&dir.join("kiosk.db")).expect("the database opens");
    store
        .read(|tx| tx.checkins_since(HOME, chrono::DateTime::UNIX_EPOCH))
        .expect("check-ins read")
        .into_iter()
        .filter(|r| r.origin == kiosk::domain::model::Origin::Kiosk)
        .collect()
}

/// The first `n` eligible members, as the `tapper` takes them.
pub fn tapper_members(sim: &SimHandle, n: usize) -> String {
    let ids: Vec<String> = eligible(sim)
        .into_iter()
        .take(n)
        .map(|m| m.to_string())
        .collect();
    ids.join(",")
}

/// The `tapper` binary (`exe`: `env!("CARGO_BIN_EXE_tapper")` in a scenario) on `dir`, tapping
/// `members` (comma-separated) against `sim`; killed when dropped.
pub fn tapper(
    exe: &str,
    dir: &Path,
    sim: &SimHandle,
    members: &str,
    seed: u64,
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(exe);
    command
        .args([
            dir.to_str().expect("a UTF-8 path"),
            &sim.base_url(),
            members,
            &seed.to_string(),
        ])
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// Another client of the same account (another kiosk, a door, the dashboard), logged in with
/// its own client id: to change records on the server behind the kiosk's back.
pub async fn other_client(sim: &SimHandle, client_id: &str) -> nexudus::Client {
    other_client_with(sim, client_id, Limits::default()).await
}

/// [`other_client`] within `limits` (a test's setup that writes many records at once).
pub async fn other_client_with(
    sim: &SimHandle,
    client_id: &str,
    limits: Limits,
) -> nexudus::Client {
    client_keeping(
        sim,
        client_id,
        limits,
        Arc::new(nexudus::MemoryTokenStore::default()),
    )
    .await
}

/// [`other_client_with`], keeping its session in `tokens`.
pub async fn client_keeping(
    sim: &SimHandle,
    client_id: &str,
    limits: Limits,
    tokens: Arc<dyn nexudus::TokenStore>,
) -> nexudus::Client {
    let mut config = nexudus::ClientConfig::new(&sim.base_url()).expect("a base URL");
    config.client_id = Some(client_id.to_owned());
    config.limits = limits;
    let client = nexudus::Client::new(config, tokens).expect("a client");
    client
        .login(DEMO_EMAIL, &Secret::new(DEMO_PASSWORD), None)
        .await
        .expect("the other client logs in");
    client
}

/// A check-in on the server as a scenario tells it apart: its member and its start to the
/// second. The simulator keeps no `SystemId` by default (an open point, answered the
/// restrictive way), and the kiosk never starts two check-ins of a member in one second.
pub fn server_identity(c: &nexudus_sim::records::Checkin) -> (Option<i64>, i64) {
    (c.coworker_id, c.from_time.timestamp())
}

/// The kiosk's row for the same identity as [`server_identity`].
pub fn local_identity(r: &kiosk::domain::model::CheckinRow) -> (Option<i64>, i64) {
    (Some(r.member_id), r.from_time.timestamp())
}

/// A simulator switched to keep every field a client sends (`Source`, `SystemId`), for
/// scenarios about what arrives field by field.
pub fn storing_everything(sim: &SimHandle) {
    sim.set_switches(nexudus_sim::Switches {
        stores_source: true,
        stores_system_id: true,
        ..sim.switches()
    });
}

/// Sync rounds with half the answers lost after the simulator applied the write, then the
/// queue drained without faults; checks that an answer to `path` was lost indeed and that
/// nothing is left or parked.
pub async fn sync_losing_answers(sim: &SimHandle, kiosk: &Kiosk, path: &str, rounds: usize) {
    sim.set_faults(nexudus_sim::Faults {
        drop_rate: 0.5,
        ..nexudus_sim::Faults::default()
    });
    for _ in 0..rounds {
        kiosk.account().sync_once(&fast_sync()).await;
    }
    sim.set_faults(nexudus_sim::Faults::default());
    let status = drain(kiosk, Duration::from_mins(1)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == path && r.fault.as_deref() == Some("drop")),
        "an answer was lost after Nexudus applied the write"
    );
}

/// Staff set an agreement of `version` for the kiosk's visitors (signed copies kept 90 days).
pub fn with_agreement(kiosk: &Kiosk, version: u32) {
    use kiosk::domain::agreements::Agreement;
    let settings = kiosk.account().settings();
    let settings = kiosk::domain::settings::Settings {
        visitors: kiosk::domain::settings::VisitorSettings {
            agreement: Some(Agreement {
                version,
                text: "Wear your badge where reception can see it.".into(),
                ..Agreement::default()
            }),
            ..settings.visitors.clone()
        },
        ..settings
    };
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    kiosk.account().update_settings(&staff, settings).unwrap();
}

/// A visitor's signature of `version`, as a finger draws it across the screen's pad.
pub fn signing(version: u32) -> kiosk::services::Signing {
    kiosk::services::Signing {
        version,
        language: "en".into(),
        signature: kiosk::domain::agreements::Signature {
            width: 500.0,
            height: 200.0,
            strokes: vec![vec![[30.0, 150.0], [200.0, 40.0], [380.0, 160.0]]],
        },
    }
}

/// How many times a visitor record's notes say that `version` was signed at the kiosk.
pub fn agreement_notes(notes: Option<&str>, version: u32) -> usize {
    notes
        .unwrap_or_default()
        .matches(&format!(
            "Signed the visitor agreement version {version} at the kiosk"
        ))
        .count()
}
