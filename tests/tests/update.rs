//! Signed updates of the desktop app (issue 29, point 3), run by `scripts/update-test.sh`, which
//! builds the two signed packages first: the older one is installed, the app runs on a display
//! of its own, logged in to a simulator that is down, with check-ins queued. Offered the newer
//! version signed with another key, it refuses it and stays; offered it signed with the
//! operator's key, it installs it once the screen is idle and comes back on the new version
//! with its queue and its login, and the queue drains once Nexudus answers. Root (the package is
//! installed, as the updater itself does with sudo); the package is removed at the end.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kiosk::{Connectivity, Kiosk, KioskConfig, Settings};
use scenarios::{STAFF_PIN, connect, quiet_sim};

const PACKAGE: &str = "nexudus-kiosk";

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by scripts/update-test.sh"))
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The version of the package installed now.
fn installed() -> String {
    run("dpkg-query", &["-W", "-f=${Version}", PACKAGE])
}

/// Everything the app has logged so far (its daily files).
fn app_log(data_home: &Path) -> String {
    let dir = data_home.join("com.nexudus-kiosk.app/logs");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}

/// Waits up to `within` for `holds`; says what was last seen otherwise.
async fn until(within: Duration, what: &str, mut holds: impl FnMut() -> Result<(), String>) {
    let end = Instant::now() + within;
    loop {
        match holds() {
            Ok(()) => return,
            Err(seen) if Instant::now() > end => panic!("never {what}:\n{seen}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// What the update address answers: Tauri's static manifest, one Linux package.
fn manifest(base: &str, version: &str, file: &str, signature: &str) -> serde_json::Value {
    serde_json::json!({
        "version": version,
        "notes": "the next version",
        "pub_date": "2026-12-03T12:00:00Z",
        "platforms": {
            "linux-x86_64-deb": { "url": format!("{base}/{file}"), "signature": signature },
        }
    })
}

/// The update address and the packages, on a free loopback port; `offer` is what it answers.
async fn update_server(dir: PathBuf, offer: Arc<Mutex<serde_json::Value>>) -> String {
    use axum::extract::Path as UrlPath;
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/latest.json",
            get(move || {
                let offer = offer.lock().unwrap().clone();
                async move { axum::Json(offer) }
            }),
        )
        .route(
            "/packages/{file}",
            get(move |UrlPath(file): UrlPath<String>| {
                let path = dir.join(file.replace('/', ""));
                async move { std::fs::read(path).map_err(|_| axum::http::StatusCode::NOT_FOUND) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Removes the package and ends every app process and the display when the test ends.
struct Cleanup {
    display: std::process::Child,
    /// The app as first started (the restarted one is its child, ended by `pkill`).
    app: Option<std::process::Child>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = Command::new("pkill")
            .args(["-f", "/usr/bin/nexudus-kiosk"])
            .status();
        if let Some(app) = &mut self.app {
            let _ = app.kill();
            let _ = app.wait();
        }
        let _ = self.display.kill();
        let _ = self.display.wait();
        let _ = Command::new("dpkg")
            .args(["-r", PACKAGE])
            .stdout(Stdio::null())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the signed packages scripts/update-test.sh builds, and root"]
async fn the_app_refuses_an_update_signed_with_another_key_and_installs_the_operators_when_idle_keeping_queue_and_login()
 {
    let packages = PathBuf::from(var("KIOSK_UPDATE_TEST"));
    let (from, to) = (var("KIOSK_UPDATE_FROM"), var("KIOSK_UPDATE_TO"));
    run(
        "dpkg",
        &[
            "-i",
            &packages
                .join(format!("app-{from}.deb"))
                .display()
                .to_string(),
        ],
    );
    assert_eq!(installed(), from);

    // A kiosk logged in to a simulator, with three check-ins queued while Nexudus is down.
    let sim = quiet_sim(30).await;
    let home = tempfile::tempdir().unwrap();
    let data_home = home.path().join("share");
    let data = data_home.join("com.nexudus-kiosk.app");
    std::fs::create_dir_all(&data).unwrap();
    let kiosk = Kiosk::open(KioskConfig {
        data_dir: Some(data.clone()),
        initial_staff_pin: Some(STAFF_PIN.into()),
        ..KioskConfig::default()
    })
    .unwrap();
    connect(&kiosk, &sim).await;
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    kiosk
        .account()
        .update_settings(
            &staff,
            Settings {
                idle_timeout_seconds: 5,
                ..kiosk.account().settings()
            },
        )
        .unwrap();
    sim.set_outage(true);
    for tile in kiosk.members().grid().unwrap().iter().take(3) {
        kiosk.members().tap(tile.member_id).unwrap();
    }
    assert_eq!(kiosk.desk().health().unwrap().pending, 3);

    // The newer version, offered first signed with a key that is not the operator's.
    let signature =
        |file: &str| std::fs::read_to_string(packages.join(format!("{file}.sig"))).unwrap();
    let offer = Arc::new(Mutex::new(serde_json::Value::Null));
    let base = update_server(packages.clone(), Arc::clone(&offer)).await;
    let other = format!("app-{to}-other.deb");
    *offer.lock().unwrap() = manifest(&format!("{base}/packages"), &to, &other, &signature(&other));

    let display = Command::new("Xvfb")
        .args([":57", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let mut cleanup = Cleanup { display, app: None };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let app = Command::new("/usr/bin/nexudus-kiosk")
        .env("DISPLAY", ":57")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data_home)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("KIOSK_DEMO", "never")
        .env("KIOSK_UPDATE_URL", format!("{base}/latest.json"))
        .env("KIOSK_UPDATE_EVERY", "2")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the installed app starts");
    cleanup.app = Some(app);

    until(
        Duration::from_mins(1),
        "the app refuses the other key's package",
        || {
            let log = app_log(&data_home);
            (log.contains(&format!("version={from}")) && log.contains("no update was taken"))
                .then_some(())
                .ok_or(log)
        },
    )
    .await;
    assert_eq!(installed(), from, "nothing installed from another key");

    // Now signed with the operator's key: installed once the screen is idle, then restarted.
    let right = format!("app-{to}.deb");
    *offer.lock().unwrap() = manifest(&format!("{base}/packages"), &to, &right, &signature(&right));
    let ready_on = |log: &str, version: &str| {
        log.lines()
            .any(|l| l.contains("kiosk ready") && l.contains(&format!("version={version}")))
    };
    until(
        Duration::from_mins(2),
        "the app comes back on the new version",
        || {
            let log = app_log(&data_home);
            ready_on(&log, &to).then_some(()).ok_or(log)
        },
    )
    .await;
    let log = app_log(&data_home);
    let idle = log
        .find("the screen is idle: installing the update")
        .expect("waited for the idle screen");
    assert!(
        log.find("installs when the screen is idle").unwrap() < idle,
        "downloaded and checked before installing:\n{log}"
    );
    assert_eq!(installed(), to);

    // The queue and the login came through: the three check-ins wait, then go once Nexudus
    // answers again, with the session the older version kept.
    let health = kiosk.desk().health().unwrap();
    assert_eq!(health.pending, 3, "the queue is intact: {health:?}");
    sim.set_outage(false);
    until(Duration::from_mins(1), "the queue drains", || {
        let health = kiosk.desk().health().map_err(|e| e.to_string())?;
        (health.pending == 0 && sim.checkins().len() == 3)
            .then_some(())
            .ok_or(format!(
                "{health:?}; {} check-ins in Nexudus",
                sim.checkins().len()
            ))
    })
    .await;
    let health = kiosk.desk().health().unwrap();
    assert_ne!(
        health.connectivity,
        Connectivity::NeedsLogin,
        "the login is intact"
    );
}
