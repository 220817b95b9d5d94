//! Starting a kiosk the way both faces do (the desktop app and `kiosk serve`): against the
//! account it has, or in demo mode against a simulator started in-process. The data directory,
//! the secrets and demo mode's throw-away state are decided here, once.

pub mod badges;
pub mod logs;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use kiosk::secrets::SecretStore;
use kiosk::{Capabilities, Kiosk, KioskConfig, Location, Settings, SyncHandle, SyncOptions};
use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, SimHandle, Simulator};
use tracing::info;

/// The staff PIN of demo mode, shown on screen.
pub const DEMO_STAFF_PIN: &str = "1234";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoChoice {
    /// Demo mode when no account is configured.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct BootOptions {
    pub data_dir: PathBuf,
    pub api_base: Option<String>,
    pub demo: DemoChoice,
    pub demo_members: usize,
    /// The demo simulator's port (0: any free one).
    pub demo_sim_port: u16,
    pub sync: SyncOptions,
    /// What the face starting the kiosk can do (the status tells the UI).
    pub capabilities: Capabilities,
    /// The kiosk's clock (tests drive one).
    pub clock: Arc<dyn kiosk::Clock>,
}

impl BootOptions {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            api_base: None,
            demo: DemoChoice::Auto,
            demo_members: 200,
            demo_sim_port: 0,
            sync: SyncOptions::default(),
            capabilities: Capabilities::default(),
            clock: Arc::new(kiosk::SystemClock),
        }
    }
}

/// Demo mode's parts: the simulator and the throw-away data directory.
#[derive(Debug)]
pub struct Demo {
    pub sim: SimHandle,
    pub staff_pin: &'static str,
    _dir: tempfile::TempDir,
}

/// A started kiosk with its sync engine and its badge printing.
#[derive(Debug)]
pub struct Running {
    pub kiosk: Kiosk,
    pub sync: SyncHandle,
    pub demo: Option<Demo>,
    pub badges: badges::BadgeTasks,
}

/// Logs `kiosk` in to the simulator's demo account and picks its first location (staff PIN
/// `staff_pin`): what staff do on a real account, done for demo mode and for tests.
pub async fn join_simulator(kiosk: &Kiosk, sim: &SimHandle, staff_pin: &str) -> anyhow::Result<()> {
    kiosk
        .account()
        .connect(
            &sim.base_url(),
            DEMO_EMAIL,
            &nexudus::Secret::new(DEMO_PASSWORD),
            None,
        )
        .await
        .context("the kiosk cannot log in to the simulator")?;
    let place = sim
        .businesses()
        .into_iter()
        .next()
        .context("the simulator has no location")?;
    let settings = Settings {
        location: Some(Location {
            id: place.id,
            name: place.name.clone(),
            time_zone: place.time_zone.name().into(),
            ..Location::default()
        }),
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(staff_pin)?, settings)?;
    Ok(())
}

/// The default data directory: `$XDG_DATA_HOME/nexudus-kiosk`, else `~/.local/share/nexudus-kiosk`.
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("nexudus-kiosk")
}

/// Opens the kiosk in `data_dir`, or, without an account (or when asked), a demo kiosk against
/// a simulator started here. Demo state lives in a temporary directory and is gone on exit,
/// because the simulator's is too.
pub async fn boot(options: BootOptions) -> anyhow::Result<Running> {
    if options.demo != DemoChoice::Always {
        let real = Kiosk::open(KioskConfig {
            data_dir: Some(options.data_dir.clone()),
            api_base_override: options.api_base.clone(),
            capabilities: options.capabilities,
            clock: Arc::clone(&options.clock),
            ..KioskConfig::default()
        })
        .with_context(|| format!("cannot open the kiosk in {}", options.data_dir.display()))?;
        if options.demo == DemoChoice::Never || real.account().has_account() {
            let sync = real.account().start_sync(options.sync.clone());
            return Ok(Running {
                badges: badges::start(&real),
                kiosk: real,
                sync,
                demo: None,
            });
        }
    }
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], options.demo_sim_port));
    let sim = Simulator::start(SimConfig {
        addr,
        members: options.demo_members,
        ..SimConfig::default()
    })
    .await
    .context("cannot start the demo simulator")?;
    let dir = tempfile::tempdir().context("cannot make the demo's data directory")?;
    let kiosk = Kiosk::open(KioskConfig {
        data_dir: Some(dir.path().to_owned()),
        secrets: Some(Arc::new(SecretStore::in_memory())),
        demo: true,
        initial_staff_pin: Some(DEMO_STAFF_PIN.into()),
        capabilities: options.capabilities,
        clock: Arc::clone(&options.clock),
        ..KioskConfig::default()
    })?;
    join_simulator(&kiosk, &sim, DEMO_STAFF_PIN).await?;
    kiosk.account().sync_once(&options.sync).await;
    info!(simulator = %sim.base_url(), members = kiosk.members().member_count(), "demo mode");
    let sync = kiosk.account().start_sync(options.sync.clone());
    Ok(Running {
        badges: badges::start(&kiosk),
        kiosk,
        sync,
        demo: Some(Demo {
            sim,
            staff_pin: DEMO_STAFF_PIN,
            _dir: dir,
        }),
    })
}
