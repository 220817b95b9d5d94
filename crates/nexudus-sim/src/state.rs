//! Everything the simulator holds besides the data: users and tokens, throttling windows,
//! injected faults, the request log and the clock.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::World;

/// An account the simulator accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimUser {
    pub email: String,
    pub password: String,
    /// `None`: a full unrestricted administrator.
    pub roles: Option<Vec<String>>,
    /// The two-factor code this account must send, if it has two-factor login.
    pub totp: Option<String>,
    pub must_reset_password: bool,
}

impl SimUser {
    pub fn admin(email: &str, password: &str) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            roles: None,
            totp: None,
            must_reset_password: false,
        }
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles
            .as_ref()
            .is_none_or(|roles| roles.iter().any(|r| r == role))
    }
}

/// The demo account printed on start.
pub const DEMO_EMAIL: &str = "kiosk@demo.nexudus-sim.local";
/// Its password: a demo value for a local simulator, not a secret.
pub const DEMO_PASSWORD: &str = "demo-kiosk";

/// The accounts of a default simulator: the demo administrator, plus accounts that exercise
/// each refusal (too few roles, two-factor login, a forced password reset).
pub fn default_users() -> Vec<SimUser> {
    vec![
        SimUser::admin(DEMO_EMAIL, DEMO_PASSWORD),
        SimUser {
            email: "reader@demo.nexudus-sim.local".into(),
            password: "reader".into(),
            roles: Some(
                [
                    "Coworker-List",
                    "Coworker-Read",
                    "Checkin-List",
                    "Checkin-Read",
                ]
                .map(String::from)
                .to_vec(),
            ),
            totp: None,
            must_reset_password: false,
        },
        SimUser {
            email: "twofactor@demo.nexudus-sim.local".into(),
            password: "twofactor".into(),
            roles: None,
            totp: Some("123456".into()),
            must_reset_password: false,
        },
        SimUser {
            email: "reset@demo.nexudus-sim.local".into(),
            password: "reset".into(),
            roles: None,
            totp: None,
            must_reset_password: true,
        },
    ]
}

#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    pub user: usize,
    /// Who is throttled together: the user and the OAuth client.
    pub client: String,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub user: usize,
    pub client_id: Option<String>,
    pub expires: DateTime<Utc>,
}

/// Users and live tokens.
#[derive(Debug)]
pub(crate) struct Auth {
    pub users: Vec<SimUser>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

/// What `/api/token` answers.
#[derive(Debug)]
pub(crate) enum Grant {
    Issued {
        access: String,
        refresh: String,
        expires_in: i64,
    },
    Refused {
        error: &'static str,
        description: &'static str,
    },
}

impl Auth {
    fn issue(&mut self, user: usize, client_id: Option<String>, now: DateTime<Utc>) -> Grant {
        // A new refresh token invalidates the earlier ones of the same user and client_id.
        self.refresh
            .retain(|_, g| !(g.user == user && g.client_id == client_id));
        let access = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let refresh = format!("{}", uuid::Uuid::new_v4().simple());
        let client = format!(
            "{}|{}",
            self.users[user].email,
            client_id.as_deref().unwrap_or("-")
        );
        self.access.insert(
            access.clone(),
            AccessGrant {
                user,
                client,
                expires: now + self.access_ttl,
            },
        );
        self.refresh.insert(
            refresh.clone(),
            RefreshGrant {
                user,
                client_id,
                expires: now + self.refresh_ttl,
            },
        );
        Grant::Issued {
            access,
            refresh,
            expires_in: self.access_ttl.num_seconds(),
        }
    }

    /// `client_id`: the request's `client_id` header, as Nexudus reads it (a form field of that
    /// name is not read); without one, the client id is the user's e-mail.
    pub fn password_grant(
        &mut self,
        form: &HashMap<String, String>,
        client_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Grant {
        let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        let Some(user) = self.users.iter().position(|u| {
            u.email.eq_ignore_ascii_case(get("username")) && u.password == get("password")
        }) else {
            return Grant::Refused {
                error: "invalid_grant",
                description: "The user name or password is incorrect.",
            };
        };
        if let Some(code) = &self.users[user].totp
            && get("totp") != code
        {
            return Grant::Refused {
                error: "two_factor_auth_check",
                description: "A two-factor authentication code is required.",
            };
        }
        if self.users[user].must_reset_password {
            return Grant::Refused {
                error: "must_reset_password",
                description: "The password must be reset.",
            };
        }
        let client_id = client_id.or_else(|| Some(self.users[user].email.clone()));
        self.issue(user, client_id, now)
    }

    /// `client_id` as for [`Auth::password_grant`]: it must be the one the session began with.
    pub fn refresh_grant(
        &mut self,
        form: &HashMap<String, String>,
        client_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Grant {
        let refused = Grant::Refused {
            error: "invalid_grant",
            description: "The refresh token is invalid or expired.",
        };
        let token = form.get("refresh_token").cloned().unwrap_or_default();
        let Some(grant) = self.refresh.get(&token).cloned() else {
            return refused;
        };
        let client_id = client_id.or_else(|| Some(self.users[grant.user].email.clone()));
        if grant.expires <= now || grant.client_id != client_id {
            return refused;
        }
        self.issue(grant.user, client_id, now)
    }

    /// The grant behind a bearer token, if it is live.
    pub fn bearer(&self, token: &str, now: DateTime<Utc>) -> Option<&AccessGrant> {
        self.access.get(token).filter(|g| g.expires > now)
    }

    /// Ends every session (of one user, or all): the kiosk must log in again.
    pub fn revoke(&mut self, email: Option<&str>) {
        let matches = |users: &[SimUser], user: usize| {
            email.is_none_or(|e| users[user].email.eq_ignore_ascii_case(e))
        };
        let users = self.users.clone();
        self.access.retain(|_, g| !matches(&users, g.user));
        self.refresh.retain(|_, g| !matches(&users, g.user));
    }

    /// Makes every access token expire now; refresh tokens stay good.
    pub fn expire_access(&mut self) {
        self.access.clear();
    }
}

/// At most `limit` requests in any sliding window of `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub limit: u32,
    pub seconds: f64,
}

/// The server's throttle, per API client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThrottleConfig {
    pub enabled: bool,
    /// Windows counting POST, PUT and DELETE.
    pub writes: Vec<Window>,
    /// Windows counting every request, writes included.
    pub all: Vec<Window>,
}

impl Default for ThrottleConfig {
    /// The current published table (docs/nexudus-api.md, section 2), six windows: writes 60 a
    /// minute and 5,000 a day; all methods 1 per 100 ms, 120 a minute, 5,000 an hour and 200,000
    /// a day.
    fn default() -> Self {
        let w = |limit, seconds| Window { limit, seconds };
        Self {
            enabled: true,
            writes: vec![w(60, 60.0), w(5000, 86_400.0)],
            all: vec![
                w(1, 0.1),
                w(120, 60.0),
                w(5000, 3600.0),
                w(200_000, 86_400.0),
            ],
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Throttle {
    pub config: ThrottleConfig,
    /// Per client: the times of its admitted requests in each window, write windows first.
    seen: HashMap<String, Vec<VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            seen: HashMap::new(),
        }
    }

    pub fn set(&mut self, config: ThrottleConfig) {
        self.config = config;
        self.seen.clear();
    }

    /// Whether one more request of the client fits every window that counts it; counts it if so.
    pub fn admit(&mut self, client: &str, write: bool, now: Instant) -> bool {
        if !self.config.enabled {
            return true;
        }
        let writes = self.config.writes.len();
        let windows: Vec<(usize, &Window)> = self
            .config
            .writes
            .iter()
            .enumerate()
            .filter(|_| write)
            .chain(
                self.config
                    .all
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (writes + i, w)),
            )
            .collect();
        let seen = self
            .seen
            .entry(client.to_owned())
            .or_insert_with(|| vec![VecDeque::new(); writes + self.config.all.len()]);
        for (i, w) in &windows {
            let times = &mut seen[*i];
            let span = std::time::Duration::from_secs_f64(w.seconds);
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= span)
            {
                times.pop_front();
            }
            if times.len() >= w.limit as usize {
                return false;
            }
        }
        for (i, _) in &windows {
            seen[*i].push_back(now);
        }
        true
    }
}

/// Faults to inject: shares of requests from 0.0 to 1.0 (drawn from the seeded RNG), and
/// records served with a field of an odd shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added to every API request.
    pub latency_ms: u64,
    /// Answered 500 without being processed.
    pub error_rate: f64,
    /// Writes processed and committed, then the connection closed with no answer.
    pub drop_rate: f64,
    /// Connections reset (TCP RST) before the request is processed.
    pub reset_rate: f64,
    /// Processed, then answered with a truncated, unreadable JSON body.
    pub malformed_rate: f64,
    /// Records the account holds with a field of a shape today's validation would refuse (an
    /// old import, an older version of Nexudus): served so in every read of them.
    pub odd_fields: Vec<OddField>,
}

/// One field of one record, served as `value` whatever the record holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddField {
    /// The list's path, `/api/spaces/coworkers`: its page, batch and one-record answers.
    pub list: String,
    pub id: i64,
    pub field: String,
    pub value: Value,
}

impl OddField {
    /// Puts every odd field that belongs in the answer to a GET of `path`.
    pub fn apply_all(odd: &[Self], path: &str, body: &mut Value) {
        let odd: Vec<&Self> = odd
            .iter()
            .filter(|o| {
                path.trim_end_matches('/')
                    .starts_with(o.list.trim_end_matches('/'))
            })
            .collect();
        if odd.is_empty() {
            return;
        }
        let records: Vec<&mut Value> = match body {
            Value::Array(records) => records.iter_mut().collect(),
            Value::Object(page) if page.contains_key("Records") => match page.get_mut("Records") {
                Some(Value::Array(records)) => records.iter_mut().collect(),
                _ => Vec::new(),
            },
            record @ Value::Object(_) => vec![record],
            _ => Vec::new(),
        };
        for record in records {
            let id = record.get("Id").and_then(Value::as_i64);
            for o in odd.iter().filter(|o| Some(o.id) == id) {
                if let Value::Object(fields) = record {
                    fields.insert(o.field.clone(), o.value.clone());
                }
            }
        }
    }
}

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    /// `"drop"`, `"reset"`, `"error"`, `"malformed"` where a fault was injected.
    pub fault: Option<String>,
    /// The JSON body of an API write (never the token endpoint's form, which has a password).
    pub body: Option<Value>,
}

/// The longest request log kept; older entries are dropped.
pub const REQUEST_LOG_CAP: usize = 200_000;

/// The simulator's whole state, behind one lock.
#[derive(Debug)]
pub(crate) struct SimState {
    pub world: World,
    pub auth: Auth,
    pub throttle: Throttle,
    pub faults: Faults,
    pub rng: StdRng,
    pub log: VecDeque<RequestRecord>,
    pub clock_offset: Duration,
    /// The API is down: every API connection is reset (the admin API stays up).
    pub outage: bool,
}

impl SimState {
    pub fn new(
        world: World,
        auth: Auth,
        throttle: ThrottleConfig,
        faults: Faults,
        seed: u64,
    ) -> Self {
        Self {
            world,
            auth,
            throttle: Throttle::new(throttle),
            faults,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_fa17),
            log: VecDeque::new(),
            clock_offset: Duration::zero(),
            outage: false,
        }
    }

    /// The simulator's idea of now (the real clock plus an offset tests can move).
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    /// Draws whether a fault with this share happens to the current request.
    pub fn draw(&mut self, share: f64) -> bool {
        share > 0.0 && self.rng.random::<f64>() < share
    }

    pub fn record(&mut self, entry: RequestRecord) {
        if self.log.len() >= REQUEST_LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sliding_window_never_holds_more_than_its_limit() {
        let mut t = Throttle::new(ThrottleConfig {
            enabled: true,
            writes: vec![Window {
                limit: 3,
                seconds: 1.0,
            }],
            all: vec![],
        });
        let start = Instant::now();
        let at = |ms| start + std::time::Duration::from_millis(ms);
        assert!(
            t.admit("a", true, at(0)) && t.admit("a", true, at(10)) && t.admit("a", true, at(20))
        );
        assert!(
            !t.admit("a", true, at(500)),
            "a fourth within the second is throttled"
        );
        assert!(
            t.admit("b", true, at(500)),
            "another client has its own windows"
        );
        assert!(
            t.admit("a", true, at(1000)),
            "the first has left the window"
        );
        assert!(
            t.admit("a", false, at(1000)),
            "reads are not limited by write windows"
        );
    }

    #[test]
    fn the_windows_for_all_methods_count_writes_too() {
        let mut t = Throttle::new(ThrottleConfig {
            enabled: true,
            writes: vec![],
            all: vec![Window {
                limit: 2,
                seconds: 60.0,
            }],
        });
        let now = Instant::now();
        assert!(t.admit("a", true, now) && t.admit("a", false, now));
        assert!(
            !t.admit("a", false, now) && !t.admit("a", true, now),
            "a write and a read fill a window of two for all methods"
        );
    }
}
