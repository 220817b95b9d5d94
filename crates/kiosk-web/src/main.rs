//! `kiosk`: the browser face for tablets (`kiosk serve`) and the staff/IT command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kiosk::{Kiosk, KioskConfig, SyncOptions};
use kiosk_boot::logs::{self, LogFormat};
use kiosk_boot::{BootOptions, DemoChoice, default_data_dir};
use kiosk_web::discovery;
use kiosk_web::http::{AppState, WebConfig, router};
use kiosk_web::tls::{self, TlsListener};
use tracing::{info, warn};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "The Nexudus check-in kiosk: browser face and staff/IT tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Common {
    /// Where the kiosk keeps its database.
    #[arg(long, env = "KIOSK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Talk to this Nexudus API base instead of the one stored at login.
    #[arg(long, env = "KIOSK_API_BASE")]
    api_base: Option<String>,
}

impl Common {
    fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    fn open(&self) -> anyhow::Result<Kiosk> {
        let dir = self.data_dir();
        Kiosk::open(KioskConfig {
            data_dir: Some(dir.clone()),
            api_base_override: self.api_base.clone(),
            ..KioskConfig::default()
        })
        .with_context(|| format!("cannot open the kiosk in {}", dir.display()))
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the kiosk UI and its API for browsers and tablets (demo mode without an account).
    Serve(Serve),
    /// List the other kiosks of this location that `kiosk serve` heard of on the network.
    Peers {
        #[command(flatten)]
        common: Common,
    },
    /// Print the log lines of the last while (`--since 1h`, `30m`, `2days`, or a time), of
    /// `kiosk serve` and of the desktop app where it shares the data directory, oldest first.
    Logs {
        #[command(flatten)]
        common: Common,
        /// How far back: a span (1h, 30m, 2days) or a time (2026-12-03T09:00:00Z).
        #[arg(long, default_value = "1h")]
        since: String,
    },
    /// Print this kiosk's health: connectivity, last sync, the queue, the API requests sent
    /// lately against the account's budget, the database's size, the version. Beside a
    /// running `kiosk serve`, its view as it saved it (first line: whose view, how old).
    Status {
        #[command(flatten)]
        common: Common,
        /// The same as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run one sync round now and print the status.
    Sync {
        #[command(flatten)]
        common: Common,
    },
    /// Check a Nexudus account before a location goes live: every role by a harmless read, the
    /// location and its time zone, members and contracts, the fields the kiosk uses. Writes
    /// nothing unless --write-test. Exits 1 when a check fails.
    Doctor(Doctor),
    /// Make a new pairing code for a tablet (valid 10 minutes, one tablet). Needs the staff PIN.
    PairCode {
        #[command(flatten)]
        common: Common,
        #[arg(long, env = "KIOSK_STAFF_PIN", hide_env_values = true)]
        pin: String,
    },
    /// Forget the staff PIN (a mistyped first PIN, a PIN nobody remembers): the next person
    /// to open the staff panel on this kiosk's own screen chooses a new one. Needs this
    /// machine and its data folder; the login, the settings and the queue stay.
    ResetStaffPin {
        #[command(flatten)]
        common: Common,
    },
    /// List the sync queue (parked entries first). Needs the staff PIN.
    Queue {
        #[command(flatten)]
        common: Common,
        /// The staff PIN (better through the environment than on the command line).
        #[arg(long, env = "KIOSK_STAFF_PIN", hide_env_values = true)]
        pin: String,
    },
}

#[derive(Debug, Args)]
struct Serve {
    #[command(flatten)]
    common: Common,
    /// Address to listen on. Loopback is the kiosk's own screen (plain HTTP); any other
    /// address serves HTTPS and tablets pair first.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The TLS certificate (PEM) for LAN addresses, from IT; without it the kiosk makes a
    /// self-signed one on first start and keeps it in the data directory.
    #[arg(long, requires = "tls_key", env = "KIOSK_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert", env = "KIOSK_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// A host name tablets reach the kiosk by (besides its IP addresses); repeatable.
    /// Requests for any other name are refused (DNS rebinding).
    #[arg(long = "host-name", value_name = "NAME")]
    host_names: Vec<String>,
    /// Run against the built-in simulator even if an account is configured.
    #[arg(long, conflicts_with = "no_demo")]
    demo: bool,
    /// Never start demo mode.
    #[arg(long)]
    no_demo: bool,
    /// Members the demo simulator seeds.
    #[arg(long, default_value_t = 200)]
    members: usize,
    /// The demo simulator's port (0: any free one).
    #[arg(long, default_value_t = 0)]
    sim_port: u16,
    /// A built UI to serve instead of the one inside the binary, where it exists (the
    /// repository's ui/dist by default, so a rebuilt UI shows without a new binary).
    #[arg(long, env = "KIOSK_UI_DIR", default_value = "ui/dist")]
    ui_dir: PathBuf,
    /// How log lines are written, to stderr and to the daily files in the data directory's
    /// logs/ (the last 14 days kept): text, or JSON lines for a log shipper.
    #[arg(long, env = "KIOSK_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// Do not announce this kiosk on the local network nor look for other kiosks (DNS-SD),
    /// which a kiosk on a LAN address does by default.
    #[arg(long)]
    no_discovery: bool,
    /// How often paired kiosks' health is read (tests make it short).
    #[arg(long, hide = true, default_value = "30s", value_parser = humantime::parse_duration)]
    peer_read_every: std::time::Duration,
}

#[derive(Debug, Args)]
struct Doctor {
    #[command(flatten)]
    common: Common,
    /// Check this account instead of the kiosk's stored login (the password comes from
    /// KIOSK_NEXUDUS_PASSWORD).
    #[arg(long)]
    email: Option<String>,
    #[arg(long, env = "KIOSK_NEXUDUS_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// The two-factor code, if the account asks for one.
    #[arg(long)]
    totp: Option<String>,
    /// The location (BusinessId) to check; the kiosk's own by default.
    #[arg(long)]
    location: Option<i64>,
    /// Check this member in and out once: the only writes the doctor makes.
    #[arg(long, value_name = "MEMBER_ID")]
    write_test: Option<i64>,
}

/// How long a stop may take before the process leaves anyway.
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(4);

/// SIGINT (Ctrl-C) or SIGTERM (systemd, the OS).
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // `kiosk serve` logs what it does; the one-shot commands print their own findings, and log
    // only when RUST_LOG asks (a log line in the middle of `kiosk doctor`'s lines reads as one
    // of them).
    // `kiosk serve` logs what it does, to stderr and its daily files; the one-shot commands
    // print their own findings, and log only when RUST_LOG asks (a log line in the middle of
    // `kiosk doctor`'s lines reads as one of them).
    let _logs = match &cli.command {
        Command::Serve(serve) => logs::init(
            Some((&logs::log_dir(&serve.common.data_dir()), "kiosk-serve")),
            serve.log_format,
            "info",
        ),
        _ => logs::init(None, LogFormat::from_env(), "off"),
    };
    match cli.command {
        Command::Serve(serve) => serve.run().await,
        Command::Peers { common } => {
            let kiosk = common.open()?;
            let peers = kiosk.desk().peers()?;
            if peers.is_empty() {
                println!("no other kiosk of this location heard of on the network");
            }
            for p in peers {
                let state = match p.gone_at {
                    Some(at) => format!("gone since {}", at.format("%Y-%m-%d %H:%M UTC")),
                    None => format!("seen {}", p.seen_at.format("%Y-%m-%d %H:%M UTC")),
                };
                let location = p
                    .location_id
                    .map_or_else(|| "no location yet".to_owned(), |l| format!("location {l}"));
                let paired = p
                    .paired
                    .map(|k| format!("  {}", k.describe()))
                    .unwrap_or_default();
                println!(
                    "{}  {}  v{}  {location}  {state}{paired}",
                    p.name, p.address, p.version
                );
            }
            Ok(())
        }
        Command::Logs { common, since } => {
            let since = logs::since(&since, chrono::Utc::now()).map_err(anyhow::Error::msg)?;
            let dir = logs::log_dir(&common.data_dir());
            let lines = logs::lines_since(&dir, since)
                .with_context(|| format!("cannot read the logs in {}", dir.display()))?;
            for line in lines {
                println!("{line}");
            }
            Ok(())
        }
        Command::Status { common, json } => {
            let kiosk = common.open()?;
            let health = kiosk.desk().health()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&health)?);
            } else {
                println!("{health}");
            }
            Ok(())
        }
        Command::Sync { common } => {
            let kiosk = common.open()?;
            let status = kiosk.account().sync_once(&SyncOptions::default()).await;
            println!("{}", serde_json::to_string_pretty(&status)?);
            Ok(())
        }
        Command::Doctor(doctor) => doctor.run().await,
        Command::PairCode { common, pin } => {
            let kiosk = common.open()?;
            kiosk.staff().by_pin(&pin)?;
            let info = kiosk.staff().new_pairing_code_info()?;
            println!(
                "{} (until {} UTC; pairs one tablet)",
                info.code,
                until(&info)
            );
            Ok(())
        }
        Command::ResetStaffPin { common } => {
            let kiosk = common.open()?;
            let was_set = kiosk
                .staff()
                .forget_pin("kiosk reset-staff-pin, on the machine")?;
            println!(
                "{}",
                if was_set {
                    "The staff PIN is forgotten. Open the staff panel (⚙) on the kiosk's own screen to choose a new one."
                } else {
                    "No staff PIN was set. Open the staff panel (⚙) on the kiosk's own screen to choose one."
                }
            );
            Ok(())
        }
        Command::Queue { common, pin } => {
            let kiosk = common.open()?;
            for item in kiosk.desk().queue(&kiosk.staff().by_pin(&pin)?, 500)? {
                let e = &item.entry;
                println!(
                    "{:>6}  {:<8} {:<15} {:<25} {}",
                    e.id,
                    e.status.as_str(),
                    e.op.as_str(),
                    item.member_name.unwrap_or_default(),
                    e.last_error
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
    }
}

/// When a pairing code stops working, as HH:MM (UTC).
fn until(info: &kiosk::PairingInfo) -> String {
    info.expires_at
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default()
}

impl Serve {
    /// Serves until SIGINT or SIGTERM, then stops within [`STOP_WITHIN`].
    async fn run(self) -> anyhow::Result<()> {
        let mut web = WebConfig::for_bind(self.bind);
        web.host_names.clone_from(&self.host_names);
        let identity = self.tls_identity(&mut web)?;
        let running = kiosk_boot::boot(self.boot_options(&web)).await?;
        let pairing_required = web.pairing_required;
        let state_fingerprint = web.tls_fingerprint.clone();
        let listener = tokio::net::TcpListener::bind(self.bind)
            .await
            .with_context(|| format!("cannot listen on {}", self.bind))?;
        // Other kiosks pair with one serving the network over HTTPS.
        if let Some(identity) = identity.as_ref().filter(|_| pairing_required) {
            web.peer_line = Some(std::sync::Arc::new(kiosk_web::peering::Line::new(
                kiosk::domain::peers::OwnIdentity {
                    name: self.instance_name(),
                    port: listener.local_addr()?.port(),
                    key_pin: identity.key_pin.clone(),
                    fingerprint: Some(identity.fingerprint.clone()),
                },
            )));
        }
        let peer_line = web.peer_line.clone();
        let state = AppState::new(running.kiosk.clone(), web);
        let shutdown = state.shutdown.clone();
        if let Some(line) = peer_line {
            kiosk_web::peering::watch(
                running.kiosk.clone(),
                line,
                self.peer_read_every,
                shutdown.clone(),
            );
        }
        let scheme = if identity.is_some() { "https" } else { "http" };
        println!("Kiosk listening on {scheme}://{}/", listener.local_addr()?);
        announce(&running, identity.as_ref(), pairing_required)?;
        let discovery = if pairing_required && !self.no_discovery {
            self.discover(
                &running.kiosk,
                listener.local_addr()?.port(),
                state_fingerprint.as_deref(),
            )
        } else {
            None
        };
        #[cfg(target_os = "linux")]
        {
            kiosk_web::systemd::ready();
            kiosk_web::systemd::watchdog(running.kiosk.clone(), shutdown.clone());
        }
        let app = router(state, Some(self.ui_dir.clone()))
            .into_make_service_with_connect_info::<SocketAddr>();
        let stop = shutdown.clone().cancelled_owned();
        let serving = match identity {
            Some(identity) => {
                use axum::serve::ListenerExt;
                let tls = TlsListener::new(listener, identity.config)?.tap_io(|_| {});
                tokio::spawn(
                    axum::serve(tls, app)
                        .with_graceful_shutdown(stop)
                        .into_future(),
                )
            }
            None => tokio::spawn(
                axum::serve(listener, app)
                    .with_graceful_shutdown(stop)
                    .into_future(),
            ),
        };
        stop_signal().await;
        #[cfg(target_os = "linux")]
        kiosk_web::systemd::stopping();
        info!("stopping: event streams end, the sync engine lets go of its queue");
        if let Some(discovery) = discovery {
            // Other kiosks hear the goodbye and mark this one gone.
            tokio::task::spawn_blocking(move || discovery.stop())
                .await
                .ok();
        }
        shutdown.cancel();
        // Within the ~10 s systemd and the OS give a stopping process: what has not ended by
        // then is dropped (a write in flight stays "in doubt" and is looked up later).
        let stopped = tokio::time::timeout(STOP_WITHIN, async {
            let _ = tokio::join!(serving, running.sync.stop());
        })
        .await;
        if stopped.is_err() {
            warn!("the stop took too long; leaving anyway");
        }
        info!("stopped");
        Ok(())
    }

    /// The certificate of a face that serves HTTPS (IT's, or one made and kept), with its
    /// fingerprint noted for the staff panel; none on loopback.
    fn tls_identity(&self, web: &mut WebConfig) -> anyhow::Result<Option<tls::TlsIdentity>> {
        if !web.https {
            return Ok(None);
        }
        let mut names = web.host_names.clone();
        if self.bind.ip().is_unspecified() {
            // Every address: the certificate names each the machine has (a tablet may use any).
            names.extend(tls::machine_names());
        } else {
            names.push(self.bind.ip().to_string());
        }
        let given = self.tls_cert.as_deref().zip(self.tls_key.as_deref());
        let identity = tls::identity(&self.common.data_dir(), given, &names)?;
        web.tls_fingerprint = Some(identity.fingerprint.clone());
        Ok(Some(identity))
    }

    /// Announces this kiosk on the local network and notes the others it hears of; again when
    /// staff pick another location. A network without multicast leaves a warning, no failure.
    fn discover(
        &self,
        kiosk: &Kiosk,
        port: u16,
        fingerprint: Option<&str>,
    ) -> Option<std::sync::Arc<discovery::Discovery>> {
        let fingerprint = fingerprint.map(str::to_owned);
        let said = move |k: &Kiosk| discovery::Announcement {
            location_id: k.account().settings().location.map(|l| l.id),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            fingerprint: fingerprint.clone(),
        };
        let name = self.instance_name();
        let found = match discovery::Discovery::start(kiosk.clone(), &name, port, &said(kiosk)) {
            Ok(d) => std::sync::Arc::new(d),
            Err(e) => {
                warn!(error = %e, "not announced on the local network: other kiosks will not see this one");
                return None;
            }
        };
        let (kiosk, announcing) = (kiosk.clone(), std::sync::Arc::clone(&found));
        let mut events = kiosk.subscribe();
        let mut was = said(&kiosk);
        tokio::spawn(async move {
            while let Ok(event) = events.recv().await {
                if matches!(event, kiosk::Event::SettingsChanged) {
                    let now = said(&kiosk);
                    if now != was {
                        if let Err(e) = announcing.announce(&now) {
                            warn!(error = %e, "the new location could not be announced");
                        }
                        was = now;
                    }
                }
            }
        });
        Some(found)
    }

    /// This kiosk's name on the network (the machine's, and a short id of its data folder).
    fn instance_name(&self) -> String {
        discovery::instance_name(&self.common.data_dir().display().to_string())
    }

    fn boot_options(&self, web: &WebConfig) -> BootOptions {
        let mut options = BootOptions::new(self.common.data_dir());
        options.api_base.clone_from(&self.common.api_base);
        options.demo = if self.demo {
            DemoChoice::Always
        } else if self.no_demo {
            DemoChoice::Never
        } else {
            DemoChoice::Auto
        };
        options.demo_members = self.members;
        options.demo_sim_port = self.sim_port;
        options.capabilities = kiosk::Capabilities {
            pairing: web.pairing_required,
            camera: true,
            metrics: true,
            ..kiosk::Capabilities::default()
        };
        options
    }
}

/// What IT reads when the face starts: the certificate, demo mode, the pairing code.
fn announce(
    running: &kiosk_boot::Running,
    identity: Option<&tls::TlsIdentity>,
    pairing_required: bool,
) -> anyhow::Result<()> {
    if let Some(identity) = identity {
        println!(
            "TLS certificate {} ; SHA-256 fingerprint {}",
            identity.cert_path.display(),
            identity.fingerprint
        );
    }
    if let Some(demo) = &running.demo {
        println!(
            "Demo mode: simulator at {} ; staff PIN {}",
            demo.sim.base_url(),
            demo.staff_pin
        );
    }
    if pairing_required {
        let info = running.kiosk.staff().new_pairing_code_info()?;
        println!(
            "Tablets on the network pair with code {} until {} (UTC); a new code: the staff panel, or `kiosk pair-code`",
            info.code,
            until(&info)
        );
    }
    Ok(())
}

impl Doctor {
    /// Prints the report; exits 1 when a check fails.
    async fn run(self) -> anyhow::Result<()> {
        let kiosk = self.common.open()?;
        let location = self
            .location
            .or_else(|| kiosk.account().settings().location.map(|l| l.id));
        let report = match &self.email {
            Some(email) => match self.log_in(email).await? {
                Ok(api) => {
                    let known = kiosk.account().unread_records()?;
                    kiosk::doctor::check_account(&api, location, self.write_test, &known).await
                }
                Err(refused) => refused,
            },
            None if !kiosk.account().has_account() => {
                kiosk::doctor::DoctorReport::stopped(kiosk::doctor::no_login(), 0)
            }
            None => {
                kiosk
                    .account()
                    .check_account(location, self.write_test)
                    .await?
            }
        };
        print!("{}", report.to_text());
        if !report.all_ok() {
            std::process::exit(1);
        }
        Ok(())
    }

    /// A client logged in to the account given on the command line (its tokens kept in
    /// memory only), or the report of why it could not log in.
    async fn log_in(
        &self,
        email: &str,
    ) -> anyhow::Result<Result<nexudus::Client, kiosk::doctor::DoctorReport>> {
        use kiosk::doctor::{DoctorReport, login_finding, no_password};
        let base = self
            .common
            .api_base
            .clone()
            .unwrap_or_else(|| kiosk::NEXUDUS_BASE_URL.to_owned());
        let Some(password) = self.password.clone() else {
            return Ok(Err(DoctorReport::stopped(no_password(email), 0)));
        };
        let api = nexudus::Client::new(
            nexudus::ClientConfig::new(&base)?,
            Arc::new(nexudus::MemoryTokenStore::default()),
        )?;
        let password = nexudus::Secret::new(password);
        Ok(
            match api.login(email, &password, self.totp.as_deref()).await {
                Ok(()) => Ok(api),
                Err(e) => Err(DoctorReport::stopped(login_finding(&e, &base), 1)),
            },
        )
    }
}
