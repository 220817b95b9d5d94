//! The browser face over real HTTP on a free loopback port, for the kiosk-web tests. A LAN
//! tablet is played from loopback by the face's test switch (`trust_loopback: false`): every
//! caller is then treated as a remote one.
#![allow(dead_code, unused_imports)]

use std::net::SocketAddr;

use kiosk_web::http::{AppState, WebConfig, router};
use kiosk_web::{BootOptions, DemoChoice};
use serde_json::{Value, json};

pub use kiosk::ManualClock;

pub const STAFF_PIN: &str = "1234";

pub struct Face {
    pub url: String,
    pub http: reqwest::Client,
    pub running: kiosk_web::Running,
    _dir: tempfile::TempDir,
}

/// The kiosk's own screen: loopback, no pairing.
pub fn screen() -> WebConfig {
    WebConfig::for_bind("127.0.0.1:0".parse().unwrap())
}

/// A face on the LAN, every caller a remote one (the test switch).
pub fn lan() -> WebConfig {
    WebConfig {
        pairing_required: true,
        trust_loopback: false,
        ..screen()
    }
}

/// A demo kiosk (120 members, staff PIN 1234) behind the browser face.
pub async fn face(config: WebConfig) -> Face {
    face_with(config, |_| {}).await
}

/// [`face`], with its boot options changed first (a driven clock, no demo).
pub async fn face_with(config: WebConfig, change: impl FnOnce(&mut BootOptions)) -> Face {
    let dir = tempfile::tempdir().unwrap();
    let mut options = BootOptions::new(dir.path().to_owned());
    options.demo = DemoChoice::Always;
    options.demo_members = 120;
    options.capabilities.pairing = config.pairing_required;
    change(&mut options);
    let running = kiosk_web::boot(options).await.unwrap();
    serve(running, config, dir).await
}

/// Serves a booted kiosk's browser face on a free loopback port.
pub async fn serve(running: kiosk_web::Running, config: WebConfig, dir: tempfile::TempDir) -> Face {
    serve_ui(running, config, dir, None).await
}

/// A demo kiosk's face serving a built UI of one page, `index.html`, as `kiosk serve` does:
/// what an unknown path falls back to.
pub async fn face_with_ui(config: WebConfig) -> Face {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Kiosk</title>").unwrap();
    let mut options = BootOptions::new(dir.path().join("data"));
    options.demo = DemoChoice::Always;
    options.demo_members = 120;
    let running = kiosk_web::boot(options).await.unwrap();
    serve_ui(running, config, dir, Some(ui)).await
}

async fn serve_ui(
    running: kiosk_web::Running,
    config: WebConfig,
    dir: tempfile::TempDir,
    ui: Option<std::path::PathBuf>,
) -> Face {
    let state = AppState::new(running.kiosk.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(state, ui).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Face {
        url,
        http: client(),
        running,
        _dir: dir,
    }
}

/// `kiosk serve` as a process of its own (killed when dropped), with `args` after `serve` and
/// the data directory, and the lines it prints.
pub fn spawn_serve(
    args: &[&str],
    data_dir: &std::path::Path,
) -> (
    tokio::process::Child,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("serve")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kiosk serve starts");
    let lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// Sends a running `kiosk serve` a signal (`TERM`, `INT`), as systemd or a terminal does.
pub fn signal(child: &tokio::process::Child, name: &str) {
    let pid = child.id().expect("running").to_string();
    assert!(
        std::process::Command::new("kill")
            .args([format!("-{name}").as_str(), &pid])
            .status()
            .unwrap()
            .success(),
        "kill -{name} {pid}"
    );
}

/// Stops a `kiosk serve` as systemd does (`TERM`) and waits for it, 10 s at most (the stop it
/// promises).
pub async fn stopped(mut child: tokio::process::Child) -> std::process::ExitStatus {
    signal(&child, "TERM");
    tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("it stops within 10 s")
        .unwrap()
}

/// A browser of its own: its own cookies.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

impl Face {
    pub async fn send_with(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = http.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send_with(&self.http, reqwest::Method::GET, path, None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send_with(&self.http, reqwest::Method::POST, path, Some(body))
            .await
    }

    pub async fn post_as(&self, http: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
        self.send_with(http, reqwest::Method::POST, path, Some(body))
            .await
    }

    /// A staff session's token, opened with the staff PIN.
    pub async fn unlock(&self) -> String {
        let (s, session) = self
            .post("/api/staff_unlock", json!({"pin": STAFF_PIN}))
            .await;
        assert_eq!(s, 200, "{session}");
        session["token"].as_str().unwrap().to_owned()
    }

    /// A new browser, paired as a tablet named `name`.
    pub async fn paired_tablet(&self, name: &str) -> reqwest::Client {
        let tablet = client();
        let code = self.pairing_code();
        let (s, e) = self
            .post_as(&tablet, "/api/pair", json!({"code": code, "name": name}))
            .await;
        assert_eq!(s, 200, "{e}");
        tablet
    }

    /// A pairing code, as the kiosk's own screen's staff panel shows it.
    pub fn pairing_code(&self) -> String {
        self.running
            .kiosk
            .staff()
            .new_pairing_code_info()
            .unwrap()
            .code
    }
}

/// The staff PIN of the data folders [`joined_data_dir`] makes.
pub const JOINED_STAFF_PIN: &str = "2468";

/// A data folder as staff leave it before `kiosk serve` runs there: a kiosk logged in to `sim`
/// at its first location; with `tapped` members loaded and checked in while nothing syncs
/// (a backlog for the serve to send).
pub async fn joined_data_dir(sim: &nexudus_sim::SimHandle, tapped: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk::Kiosk::open(kiosk::KioskConfig {
        data_dir: Some(dir.path().to_owned()),
        initial_staff_pin: Some(JOINED_STAFF_PIN.into()),
        ..kiosk::KioskConfig::default()
    })
    .unwrap();
    kiosk_boot::join_simulator(&kiosk, sim, JOINED_STAFF_PIN)
        .await
        .unwrap();
    if tapped > 0 {
        kiosk
            .account()
            .sync_once(&kiosk::SyncOptions::default())
            .await;
        let tiles = kiosk.members().grid().unwrap();
        assert!(tiles.len() >= tapped, "members loaded: {}", tiles.len());
        for tile in tiles.iter().take(tapped) {
            kiosk.members().tap(tile.member_id).unwrap();
        }
    }
    dir
}

/// Where a `kiosk serve` listens, from the first line it prints.
pub async fn listening_at(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) -> String {
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .expect("the serve starts within 20 s")
        .unwrap()
        .unwrap_or_default();
    first
        .strip_prefix("Kiosk listening on ")
        .unwrap_or_else(|| panic!("it says where it listens: {first:?}"))
        .to_owned()
}
