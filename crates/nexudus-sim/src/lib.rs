//! A faithful local Nexudus Spaces API.
//!
//! Same paths, fields, envelopes, validation messages, roles, paging and throttling as the
//! contract in `shared/nexudus-api.md`, plus fault injection and seeded demo members. Tests start
//! it in-process on an ephemeral loopback port; the kiosk's demo mode runs against it; the
//! `nexudus-sim` binary serves it on a port of your choice.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = nexudus_sim::Simulator::start(nexudus_sim::SimConfig::default()).await?;
//! println!("{}", sim.base_url());
//! # Ok(()) }
//! ```

mod admin;
mod api;
mod http;
pub mod passes;
pub mod records;
pub mod seed;
mod serve;
mod state;
pub mod validate;
pub mod visitors;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Duration;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use state::{
    DEMO_EMAIL, DEMO_PASSWORD, Faults, OddField, RequestRecord, SimUser, ThrottleConfig, Window,
    default_users,
};
pub use world::{NO_PASS, Switches};

use state::{Auth, SimState};
use world::World;

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// `127.0.0.1:0` picks a free port.
    pub addr: SocketAddr,
    pub members: usize,
    pub seed: u64,
    pub users: Vec<SimUser>,
    pub throttle: ThrottleConfig,
    pub faults: Faults,
    /// How to answer where the contract is open (the most restrictive way by default).
    pub switches: Switches,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Serve the test-only `/_sim/` admin API.
    pub admin_api: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            members: 200,
            seed: 1,
            users: default_users(),
            throttle: ThrottleConfig::default(),
            faults: Faults::default(),
            switches: Switches::default(),
            access_token_ttl: Duration::seconds(604_799),
            refresh_token_ttl: Duration::days(15),
            admin_api: true,
        }
    }
}

impl SimConfig {
    /// `members` seeded members and the throttle off: for tests that are not about throttling.
    pub fn quiet(members: usize) -> Self {
        Self {
            members,
            throttle: ThrottleConfig {
                enabled: false,
                ..ThrottleConfig::default()
            },
            ..Self::default()
        }
    }
}

/// A change to a member, made upstream (as staff would in Nexudus). Bumps `UpdatedOn`. A field
/// left out changes nothing; `null` clears one that may be empty (a plan, a PIN, a card) and is
/// refused for one that may not (a name, a flag, a list), as is a field it does not know: a
/// control request never changes less than it says without a word.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoworkerPatch {
    #[serde(deserialize_with = "not_null")]
    pub full_name: Option<String>,
    #[serde(deserialize_with = "not_null")]
    pub active: Option<bool>,
    #[serde(deserialize_with = "null_clears")]
    pub tariff_name: Option<Option<String>>,
    #[serde(deserialize_with = "null_clears")]
    pub access_pincode: Option<Option<String>>,
    #[serde(deserialize_with = "null_clears")]
    pub access_card_id: Option<Option<String>>,
    #[serde(deserialize_with = "not_null")]
    pub businesses: Option<Vec<i64>>,
    #[serde(deserialize_with = "not_null")]
    pub teams: Option<Vec<i64>>,
    #[serde(deserialize_with = "not_null")]
    pub archived: Option<bool>,
}

/// A field given: its value, which may not be `null`.
fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A field given: its value, `null` clearing it (the outer `None` is "not given").
#[allow(
    clippy::option_option,
    reason = "not given, cleared, or set: three cases serde tells apart"
)]
fn null_clears<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The simulator's shared state.
#[derive(Debug)]
pub struct Sim {
    state: Mutex<SimState>,
}

impl Sim {
    fn new(config: &SimConfig) -> Self {
        let auth = Auth {
            users: config.users.clone(),
            access: std::collections::HashMap::new(),
            refresh: std::collections::HashMap::new(),
            access_ttl: config.access_token_ttl,
            refresh_ttl: config.refresh_token_ttl,
        };
        let world = World::seeded(config.members, config.seed);
        let mut state = SimState::new(
            world,
            auth,
            config.throttle.clone(),
            config.faults.clone(),
            config.seed,
        );
        state.world.switches = config.switches.clone();
        Self {
            state: Mutex::new(state),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panic while holding the lock leaves data that is still consistent enough for a test
        // double; keep serving rather than poisoning every later request.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Everything the inspection endpoint shows.
    pub fn inspect(&self) -> Value {
        let st = self.lock();
        json!({
            "checkins": st.world.checkins.values().map(|c| st.world.checkin_json(c)).collect::<Vec<_>>(),
            "failed_checkins": st.world.failed_checkins.values().map(|f| st.world.failed_json(f)).collect::<Vec<_>>(),
            "requests": st.log.iter().collect::<Vec<_>>(),
        })
    }

    /// The host answers a visitor's request to come in (as Nexudus records it when the host
    /// answers its e-mail or app): `HostApprovalStatus` 5 AcceptedAndGrant or 3 Rejected.
    /// False when there is no such visitor.
    pub fn answer_host_approval(&self, id: i64, approved: bool) -> bool {
        let mut st = self.lock();
        let now = st.now();
        let Some(v) = st.world.visitors.get_mut(&id) else {
            return false;
        };
        v.host_approval_status = if approved {
            visitors::APPROVAL_ACCEPTED_AND_GRANT
        } else {
            visitors::APPROVAL_REJECTED
        };
        v.updated_on = now;
        true
    }

    /// Deletes a member upstream.
    pub fn remove_coworker(&self, id: i64) -> bool {
        self.lock().world.coworkers.remove(&id).is_some()
    }

    pub fn update_coworker(&self, id: i64, change: &CoworkerPatch) -> bool {
        let mut st = self.lock();
        let now = st.now();
        let Some(c) = st.world.coworkers.get_mut(&id) else {
            return false;
        };
        if let Some(v) = &change.full_name {
            c.full_name.clone_from(v);
        }
        if let Some(v) = change.active {
            c.active = v;
        }
        let plan_changed = change.tariff_name.clone();
        if let Some(v) = &change.tariff_name {
            c.tariff_name.clone_from(v);
        }
        if let Some(v) = &change.access_pincode {
            c.access_pincode.clone_from(v);
        }
        if let Some(v) = &change.access_card_id {
            c.access_card_id.clone_from(v);
        }
        if let Some(v) = &change.businesses {
            c.businesses.clone_from(v);
        }
        if let Some(v) = &change.teams {
            c.teams.clone_from(v);
        }
        if let Some(v) = change.archived {
            c.archived = v;
        }
        c.updated_on = now;
        if let Some(plan) = plan_changed {
            st.world.set_plan(id, plan.as_deref(), now);
        }
        true
    }
}

/// Starts simulators.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Binds the address and serves in the background until the handle is stopped or dropped.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let sim = Arc::new(Sim::new(&config));
        let app = App {
            sim: Arc::clone(&sim),
            admin: config.admin_api,
        };
        let stop = CancellationToken::new();
        tokio::spawn(serve::serve(listener, app.clone(), stop.clone()));
        Ok(SimHandle {
            addr,
            sim,
            app,
            stop: Mutex::new(stop),
        })
    }
}

/// A running simulator. Dropping it stops it.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<Sim>,
    app: App,
    stop: Mutex<CancellationToken>,
}

/// What answers a request: the admin API (where it is on) as it is, and the API through the
/// faults and the request log.
#[derive(Debug, Clone)]
pub(crate) struct App {
    sim: Arc<Sim>,
    admin: bool,
}

impl App {
    pub(crate) async fn handle(&self, request: http::Request) -> http::Response {
        if self.admin
            && let Some(response) = admin::route(&self.sim, &request)
        {
            return response;
        }
        api::faults_and_log(Arc::clone(&self.sim), request, |sim, request| {
            api::route(sim, request).unwrap_or_else(api::not_found)
        })
        .await
    }
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting and closes every open connection: to a kiosk, the server is down.
    /// Its data and sessions stay, for [`SimHandle::resume`].
    pub fn stop(&self) {
        self.stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .cancel();
    }

    /// Serves again on the same address after [`SimHandle::stop`], with everything it held.
    pub async fn resume(&self) -> std::io::Result<()> {
        // The stopped accept loop lets go of the port as soon as it runs again: wait for it.
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && tries < 200 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let stop = CancellationToken::new();
        tokio::spawn(serve::serve(listener, self.app.clone(), stop.clone()));
        *self
            .stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = stop;
        Ok(())
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub fn checkins(&self) -> Vec<records::Checkin> {
        self.sim.lock().world.checkins.values().cloned().collect()
    }

    pub fn failed_checkins(&self) -> Vec<records::FailedCheckin> {
        self.sim
            .lock()
            .world
            .failed_checkins
            .values()
            .cloned()
            .collect()
    }

    pub fn coworkers(&self) -> Vec<records::Coworker> {
        self.sim.lock().world.coworkers.values().cloned().collect()
    }

    pub fn contracts(&self) -> Vec<records::Contract> {
        self.sim.lock().world.contracts.clone()
    }

    pub fn businesses(&self) -> Vec<records::Business> {
        self.sim.lock().world.businesses.clone()
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.sim.lock().log.iter().cloned().collect()
    }

    /// The customers' commands run, in order: (key, Ids).
    pub fn commands_run(&self) -> Vec<(String, Vec<i64>)> {
        self.sim.lock().world.commands_run.clone()
    }

    /// The passes customers hold.
    pub fn passes(&self) -> Vec<passes::CoworkerTimePass> {
        self.sim.lock().world.passes.values().cloned().collect()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.sim.lock().faults = faults;
    }

    /// Every visitor the simulated account holds.
    pub fn visitors(&self) -> Vec<visitors::Visitor> {
        self.sim.lock().world.visitors.values().cloned().collect()
    }

    /// How the contract's open points are answered.
    pub fn switches(&self) -> Switches {
        self.sim.lock().world.switches.clone()
    }

    /// Answers the contract's open points another way from now on.
    pub fn set_switches(&self, switches: Switches) {
        self.sim.lock().world.switches = switches;
    }

    /// The throttle in force.
    pub fn throttle(&self) -> ThrottleConfig {
        self.sim.lock().throttle.config.clone()
    }

    pub fn set_throttle(&self, throttle: ThrottleConfig) {
        self.sim.lock().throttle.set(throttle);
    }

    /// Ends the sessions of one user, or of all: their kiosks must log in again.
    pub fn revoke_tokens(&self, email: Option<&str>) {
        self.sim.lock().auth.revoke(email);
    }

    /// Makes every access token expire now (refresh tokens stay good).
    pub fn expire_access_tokens(&self) {
        self.sim.lock().auth.expire_access();
    }

    pub fn update_coworker(&self, id: i64, change: &CoworkerPatch) -> bool {
        self.sim.update_coworker(id, change)
    }

    /// The host approves or declines visitor `id`'s request to come in.
    pub fn answer_host_approval(&self, id: i64, approved: bool) -> bool {
        self.sim.answer_host_approval(id, approved)
    }

    /// Takes the API down (every connection reset; the admin API stays up) or brings it back.
    pub fn set_outage(&self, down: bool) {
        self.sim.lock().outage = down;
    }

    /// Moves the simulator's clock by `offset` from real time.
    pub fn set_clock_offset(&self, offset: Duration) {
        self.sim.lock().clock_offset = offset;
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
