//! The HTTP client: auth, limits, paging and error classification in one place.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::{Stream, TryStreamExt, stream};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{debug, info, instrument, warn};
use url::Url;

use crate::auth::{AccessToken, Secret, TokenAnswer, TokenRefusal, TokenStore};
use crate::counter::RequestCounter;
use crate::error::{ApiError, LoginError};
use crate::limits::{Limiter, Limits, SendJournal};
use crate::model::{
    Business, Checkin, CheckinWrite, Coworker, CoworkerContract, FailedCheckin, FailedCheckinWrite,
    Page, SimpleTimeZone, Team, WriteEnvelope,
};
use crate::query::{
    CheckinQuery, ContractQuery, CoworkerQuery, FailedCheckinQuery, ListQuery, Unfiltered,
};
use crate::records::{ListReads, Record};

/// How the client is set up.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://spaces.nexudus.com` in production; the simulator's address in tests and demo.
    pub base_url: Url,
    /// This kiosk's own OAuth `client_id` (a GUID generated once and kept), so that two kiosks on
    /// one account do not invalidate each other's refresh tokens.
    pub client_id: Option<String>,
    /// How long to wait for an answer.
    pub timeout: Duration,
    pub limits: Limits,
    /// How often a throttled GET is tried again (GETs change nothing, so this is safe).
    pub read_retries: u32,
    /// Counts every request sent (shared with later clients of the same kiosk).
    pub counter: Arc<RequestCounter>,
    /// The limits' state, shared with later clients of the same kiosk (a new login does not
    /// start a fresh burst); none: one of the client's own, from `limits`.
    pub limiter: Option<Arc<Limiter>>,
    /// Notes each request before it leaves, for the limits of the kiosk's next run.
    pub journal: Option<Arc<dyn SendJournal>>,
}

impl ClientConfig {
    pub fn new(base_url: &str) -> Result<Self, ApiError> {
        let base_url = Url::parse(base_url)
            .map_err(|e| ApiError::InvalidRequest(format!("bad base URL {base_url:?}: {e}")))?;
        if base_url.cannot_be_a_base() {
            return Err(ApiError::InvalidRequest(format!(
                "{base_url} cannot be a base URL"
            )));
        }
        Ok(Self {
            base_url,
            client_id: None,
            timeout: Duration::from_secs(30),
            limits: Limits::default(),
            read_retries: 3,
            counter: Arc::default(),
            limiter: None,
            journal: None,
        })
    }
}

/// The body and head of an answer, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl Answer {
    fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        if text.chars().count() > 200 {
            format!("{}…", text.chars().take(200).collect::<String>())
        } else {
            text.to_owned()
        }
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| ApiError::Malformed {
            status: self.status.as_u16(),
            detail: format!("{e} in {:?}", self.snippet()),
        })
    }
}

/// A client of the Nexudus Spaces API. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    limiter: Arc<Limiter>,
    tokens: Arc<dyn TokenStore>,
    session: tokio::sync::Mutex<Option<AccessToken>>,
    /// What each list's reads met, until the kiosk takes it.
    reads: crate::records::ReadLog,
    /// How soon the last granted refresh token was kept, after the server's answer.
    last_kept: std::sync::Mutex<Option<Kept>>,
}

/// How soon after the token endpoint's answer a new refresh token was kept: staged (safe from
/// a kill) and durable (safe from a power cut). The server retired the old one as it answered,
/// so the first is the window a kill can cost the login in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub staged_after: Duration,
    pub durable_after: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.config.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: ClientConfig, tokens: Arc<dyn TokenStore>) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("nexudus-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::InvalidRequest(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            limiter: config
                .limiter
                .clone()
                .unwrap_or_else(|| Arc::new(Limiter::new(&config.limits))),
            config,
            tokens,
            session: tokio::sync::Mutex::new(None),
            reads: crate::records::ReadLog::default(),
            last_kept: std::sync::Mutex::new(None),
        })
    }

    /// How soon the last refresh token granted to this client was kept ([`Kept`]).
    pub fn last_kept(&self) -> Option<Kept> {
        *self.last_kept.lock().unwrap()
    }

    pub fn base_url(&self) -> &Url {
        &self.config.base_url
    }

    /// What the reads of each list (by path, `/api/spaces/coworkers`) met since this was last
    /// asked: the records that did not read, and the Ids of those that did.
    pub fn take_reads(&self) -> std::collections::BTreeMap<&'static str, ListReads> {
        self.reads.take()
    }

    fn url(&self, path: &str) -> Result<Url, ApiError> {
        self.config
            .base_url
            .join(path)
            .map_err(|e| ApiError::InvalidRequest(format!("bad path {path:?}: {e}")))
    }

    // ---- auth ---------------------------------------------------------------------------------

    /// Logs in with the password grant; keeps the refresh token in the token store.
    #[instrument(skip_all, err)]
    pub async fn login(
        &self,
        email: &str,
        password: &Secret,
        totp: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut form = vec![
            ("grant_type", "password"),
            ("username", email),
            ("password", password.expose()),
        ];
        if let Some(code) = totp.filter(|c| !c.is_empty()) {
            form.push(("totp", code));
        }
        let token = self.token_request(&form).await?;
        *self.session.lock().await = Some(token);
        Ok(())
    }

    /// Forgets the session here and in the token store.
    pub async fn logout(&self) -> Result<(), ApiError> {
        *self.session.lock().await = None;
        self.tokens
            .clear()
            .map_err(|e| ApiError::InvalidRequest(format!("cannot clear the stored session: {e}")))
    }

    /// Whether a session exists (in memory, or a refresh token in the store).
    pub async fn has_session(&self) -> bool {
        self.session.lock().await.is_some() || matches!(self.tokens.load(), Ok(Some(_)))
    }

    /// Sends a grant to `/api/token` and keeps what it answers.
    async fn token_request(&self, form: &[(&str, &str)]) -> Result<AccessToken, ApiError> {
        let mut form = form.to_vec();
        let mut request = self.http.post(self.url("/api/token")?);
        if let Some(id) = &self.config.client_id {
            // Nexudus reads the client id from a header (a newer page calls it a parameter):
            // both, so every kiosk keeps its own session on a shared account.
            form.push(("client_id", id));
            request = request.header("client_id", id.as_str());
        }
        let request = request.form(&form);
        let answer = self.execute(request).await?;
        let received = Instant::now();
        match answer.status {
            s if s.is_success() => {
                let granted: TokenAnswer = answer.json()?;
                // The new refresh token before anything else: the server has retired the old
                // one. Staged first, where a killed process finds it (no fsync, no keyring
                // round trip): from the answer to there is the only moment a kill can cost the
                // login. Then kept durably, through a power cut.
                if let Some(refresh) = granted.refresh_token.map(Secret::new) {
                    if let Err(e) = self.tokens.stage(&refresh) {
                        warn!(error = %e, "cannot stage the renewed session; keeping it durably");
                    }
                    let staged_after = received.elapsed();
                    #[cfg(feature = "failpoints")]
                    fail::fail_point!("session-staged");
                    self.tokens.save(&refresh).map_err(|e| {
                        ApiError::InvalidRequest(format!("cannot store the session: {e}"))
                    })?;
                    let kept = Kept {
                        staged_after,
                        durable_after: received.elapsed(),
                    };
                    info!(
                        staged_after_us = kept.staged_after.as_micros(),
                        durable_after_us = kept.durable_after.as_micros(),
                        "a new session was granted and kept"
                    );
                    *self.last_kept.lock().unwrap() = Some(kept);
                }
                let now = Instant::now();
                let access = AccessToken::new(granted.access_token, granted.expires_in, now);
                if let Err(e) = self.tokens.save_access(&access.to_stored(now)) {
                    // Only costs a renewal at the next start.
                    warn!(error = %e, "cannot keep the access token for the next start");
                }
                Ok(access)
            }
            StatusCode::BAD_REQUEST => {
                let refusal: TokenRefusal = answer.json()?;
                Err(ApiError::Login(LoginError::from_code(
                    &refusal.error,
                    refusal.error_description.unwrap_or_default(),
                )))
            }
            _ => Err(status_error(&answer, "/api/token")),
        }
    }

    /// A fresh access token: the one in memory, or one got with the stored refresh token.
    async fn access_token(&self, force_refresh: bool) -> Result<Secret, ApiError> {
        let mut session = self.session.lock().await;
        if session.is_none() && !force_refresh {
            // A restart: the last run's token, while it is good, instead of a renewal.
            *session = self
                .tokens
                .load_access()
                .ok()
                .flatten()
                .and_then(|stored| AccessToken::restored(stored, Instant::now()));
        }
        if let Some(token) = session
            .as_ref()
            .filter(|t| !force_refresh && t.is_fresh(Instant::now()))
        {
            return Ok(token.token.clone());
        }
        let stored = self.tokens.load().map_err(|e| {
            ApiError::InvalidRequest(format!("cannot read the stored session: {e}"))
        })?;
        let Some(refresh) = stored else {
            *session = None;
            return Err(ApiError::Unauthorized);
        };
        match self
            .token_request(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
            ])
            .await
        {
            Ok(token) => {
                let secret = token.token.clone();
                *session = Some(token);
                Ok(secret)
            }
            Err(ApiError::Login(reason)) => {
                // The refresh token is dead: forget it, so the status says "needs login".
                warn!(%reason, "the refresh token was refused; a staff member must log in again");
                *session = None;
                let _ = self.tokens.clear();
                Err(ApiError::Unauthorized)
            }
            Err(other) => Err(other),
        }
    }

    // ---- transport ----------------------------------------------------------------------------

    async fn execute(&self, request: reqwest::RequestBuilder) -> Result<Answer, ApiError> {
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_connect() {
            ApiError::Connect(text)
        } else if e.is_timeout() {
            ApiError::Timeout(self.config.timeout)
        } else if e.is_builder() {
            ApiError::InvalidRequest(text)
        } else {
            ApiError::ConnectionLost(text)
        }
    }

    /// One authorised call within the limits. A 401 refreshes the session once and tries once
    /// more. Non-2xx answers come back as errors.
    #[instrument(skip_all, fields(%method, path), err(level = "debug"))]
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, ApiError> {
        let url = self.url(path)?;
        let write = method != Method::GET;
        let mut refreshed = false;
        loop {
            self.limiter.acquire(write).await?;
            let token = self.access_token(refreshed).await?;
            if let Some(journal) = &self.config.journal {
                journal.note(write);
            }
            self.config.counter.count();
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose());
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let answer = self.execute(request).await?;
            if answer.status == StatusCode::UNAUTHORIZED {
                if !refreshed {
                    debug!("401: refreshing the session once");
                    refreshed = true;
                    continue;
                }
                // Refused again with a session just renewed: Nexudus answers 401 for a missing
                // role too. The session is good; this call is not allowed.
                let role = crate::roles::role_for(&method, path);
                return Err(ApiError::Forbidden {
                    message: match &role {
                        Some(role) => format!("{method} {path} needs the {role} role"),
                        None => format!("{method} {path} was refused with a fresh session"),
                    },
                    role,
                });
            }
            if answer.status.is_success() {
                return Ok(answer);
            }
            let error = status_error(&answer, path);
            if matches!(error, ApiError::Throttled { .. }) {
                self.config.counter.count_throttled();
            }
            return Err(error);
        }
    }

    /// A GET, tried again (up to `read_retries` times) when the server throttles it.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<T, ApiError> {
        let mut tries = 0;
        loop {
            match self.call(Method::GET, path, query, None).await {
                Ok(answer) => return answer.json(),
                Err(ApiError::Throttled { retry_after, .. })
                    if tries < self.config.read_retries =>
                {
                    tries += 1;
                    tokio::time::sleep(retry_after.min(Duration::from_secs(30))).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A POST or PUT: the envelope must say `WasSuccessful`, and carry the record's Id.
    pub(crate) async fn write(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<i64, ApiError> {
        let body = serde_json::to_value(body)
            .map_err(|e| ApiError::InvalidRequest(format!("cannot encode the body: {e}")))?;
        let answer = self.call(method, path, &[], Some(&body)).await?;
        let envelope: WriteEnvelope = answer.json()?;
        if !envelope.was_successful {
            return Err(validation_error(answer.status.as_u16(), envelope));
        }
        envelope.record_id().ok_or_else(|| ApiError::Malformed {
            status: answer.status.as_u16(),
            detail: "the envelope has no Value.Id".into(),
        })
    }

    /// A call whose answer carries no record: an envelope, if there is one, may still refuse.
    pub(crate) async fn run<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        let body = body
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ApiError::InvalidRequest(format!("cannot encode the body: {e}")))?;
        let answer = self.call(method, path, &[], body.as_ref()).await?;
        if let Ok(envelope) = serde_json::from_slice::<WriteEnvelope>(&answer.body)
            && !envelope.was_successful
        {
            return Err(validation_error(answer.status.as_u16(), envelope));
        }
        Ok(())
    }

    pub(crate) async fn page<T: DeserializeOwned + Record>(
        &self,
        path: &'static str,
        query: &impl ListQuery,
        page: u32,
    ) -> Result<Page<T>, ApiError> {
        let mut pairs = query.pairs();
        pairs.push(("page".into(), page.to_string()));
        let raw: Page<Box<serde_json::value::RawValue>> = self.get(path, &pairs).await?;
        Ok(crate::records::read_records(raw, path, &self.reads))
    }

    /// Every page of a paged search, from page 1 until the server says there is no next page.
    pub(crate) fn pages<'a, T, Q>(
        &'a self,
        path: &'static str,
        query: Q,
    ) -> impl Stream<Item = Result<Page<T>, ApiError>> + 'a
    where
        T: DeserializeOwned + Record + 'a,
        Q: ListQuery + 'a,
    {
        let query = Arc::new(query);
        stream::try_unfold(Some(1u32), move |next| {
            let query = Arc::clone(&query);
            async move {
                let Some(number) = next else { return Ok(None) };
                let page: Page<T> = self.page(path, query.as_ref(), number).await?;
                let more =
                    page.has_next_page && !(page.records.is_empty() && page.skipped.is_empty());
                Ok(Some((page, more.then_some(number + 1))))
            }
        })
    }

    /// Every record of a paged search, one at a time.
    pub(crate) fn records<'a, T, Q>(
        &'a self,
        path: &'static str,
        query: Q,
    ) -> impl Stream<Item = Result<T, ApiError>> + 'a
    where
        T: DeserializeOwned + Record + 'a,
        Q: ListQuery + 'a,
    {
        self.pages(path, query)
            .map_ok(|page: Page<T>| stream::iter(page.records.into_iter().map(Ok)))
            .try_flatten()
    }

    // ---- coworkers ----------------------------------------------------------------------------

    /// One page of members.
    pub async fn coworkers_page(
        &self,
        query: &CoworkerQuery,
        page: u32,
    ) -> Result<Page<Coworker>, ApiError> {
        self.page("/api/spaces/coworkers", query, page).await
    }

    /// Every page of members matching the query.
    pub fn coworker_pages(
        &self,
        query: CoworkerQuery,
    ) -> impl Stream<Item = Result<Page<Coworker>, ApiError>> + '_ {
        self.pages("/api/spaces/coworkers", query)
    }

    /// Every member matching the query, one at a time.
    pub fn coworkers(
        &self,
        query: CoworkerQuery,
    ) -> impl Stream<Item = Result<Coworker, ApiError>> + '_ {
        self.records("/api/spaces/coworkers", query)
    }

    /// Several members by Id in one request (`GET /api/spaces/coworkers/?id=[1,2,3]`), each
    /// with `Teams` and `Businesses` as on a one-record answer. Unknown Ids are left out.
    pub async fn coworkers_by_ids(&self, ids: &[i64]) -> Result<Vec<Coworker>, ApiError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let raw: Vec<Box<serde_json::value::RawValue>> = self
            .get(
                "/api/spaces/coworkers/",
                &[("id".into(), format!("[{list}]"))],
            )
            .await?;
        Ok(crate::records::read_array(
            raw,
            "/api/spaces/coworkers",
            &self.reads,
        ))
    }

    /// One member, with `Teams` and `Businesses`.
    pub async fn coworker(&self, id: i64) -> Result<Coworker, ApiError> {
        self.get(&format!("/api/spaces/coworkers/{id}"), &[]).await
    }

    // ---- locations and teams ----

    /// Every location of the account.
    pub fn businesses(&self) -> impl Stream<Item = Result<Business, ApiError>> + '_ {
        self.records("/api/sys/businesses", Unfiltered::default())
    }

    /// The account's time zones (Windows names; see [`SimpleTimeZone::iana`]).
    pub fn simple_time_zones(&self) -> impl Stream<Item = Result<SimpleTimeZone, ApiError>> + '_ {
        self.records("/api/sys/simpletimezones", Unfiltered::default())
    }

    /// One page of contracts matching the query.
    pub async fn contracts_page(
        &self,
        query: &ContractQuery,
        page: u32,
    ) -> Result<Page<CoworkerContract>, ApiError> {
        self.page("/api/billing/coworkercontracts", query, page)
            .await
    }

    /// The customers' contracts a page at a time, with the records of each that did not read.
    pub fn contract_pages(
        &self,
        query: ContractQuery,
    ) -> impl Stream<Item = Result<Page<CoworkerContract>, ApiError>> + '_ {
        self.pages("/api/billing/coworkercontracts", query)
    }

    /// The customers' contracts: who has a plan, and which.
    pub fn contracts(
        &self,
        query: ContractQuery,
    ) -> impl Stream<Item = Result<CoworkerContract, ApiError>> + '_ {
        self.records("/api/billing/coworkercontracts", query)
    }

    /// Every team of the account.
    pub fn teams(&self) -> impl Stream<Item = Result<Team, ApiError>> + '_ {
        self.records("/api/spaces/teams", Unfiltered::default())
    }

    // ---- check-ins ----------------------------------------------------------------------------

    /// Creates a check-in; answers its Id.
    pub async fn create_checkin(&self, checkin: &CheckinWrite) -> Result<i64, ApiError> {
        if checkin.id.is_some() {
            return Err(ApiError::InvalidRequest(
                "a new check-in carries no Id".into(),
            ));
        }
        self.write(Method::POST, "/api/spaces/checkins", checkin)
            .await
    }

    /// Replaces a check-in with the whole record given.
    pub async fn update_checkin(&self, checkin: &CheckinWrite) -> Result<i64, ApiError> {
        if checkin.id.is_none() {
            return Err(ApiError::InvalidRequest(
                "an update needs the check-in's Id".into(),
            ));
        }
        self.write(Method::PUT, "/api/spaces/checkins", checkin)
            .await
    }

    pub async fn checkin(&self, id: i64) -> Result<Checkin, ApiError> {
        self.get(&format!("/api/spaces/checkins/{id}"), &[]).await
    }

    /// One page of check-ins matching the query.
    pub async fn checkins_page(
        &self,
        query: &CheckinQuery,
        page: u32,
    ) -> Result<Page<Checkin>, ApiError> {
        self.page("/api/spaces/checkins", query, page).await
    }

    /// Every check-in matching the query.
    pub fn checkins(
        &self,
        query: CheckinQuery,
    ) -> impl Stream<Item = Result<Checkin, ApiError>> + '_ {
        self.records("/api/spaces/checkins", query)
    }

    pub async fn delete_checkin(&self, id: i64) -> Result<(), ApiError> {
        self.run::<()>(Method::DELETE, &format!("/api/spaces/checkins/{id}"), None)
            .await
    }

    // ---- failed check-ins ---------------------------------------------------------------------

    /// Records a rejected attempt; answers its Id.
    pub async fn create_failed_checkin(
        &self,
        failed: &FailedCheckinWrite,
    ) -> Result<i64, ApiError> {
        if failed.id.is_some() {
            return Err(ApiError::InvalidRequest(
                "a new failed check-in carries no Id".into(),
            ));
        }
        self.write(Method::POST, "/api/spaces/failedcheckins", failed)
            .await
    }

    pub async fn update_failed_checkin(
        &self,
        failed: &FailedCheckinWrite,
    ) -> Result<i64, ApiError> {
        if failed.id.is_none() {
            return Err(ApiError::InvalidRequest(
                "an update needs the failed check-in's Id".into(),
            ));
        }
        self.write(Method::PUT, "/api/spaces/failedcheckins", failed)
            .await
    }

    /// Every failed check-in matching the query.
    pub fn failed_checkins(
        &self,
        query: FailedCheckinQuery,
    ) -> impl Stream<Item = Result<FailedCheckin, ApiError>> + '_ {
        self.records("/api/spaces/failedcheckins", query)
    }

    /// Failed check-ins matching the query, a page at a time.
    pub fn failed_checkin_pages(
        &self,
        query: FailedCheckinQuery,
    ) -> impl Stream<Item = Result<Page<FailedCheckin>, ApiError>> + '_ {
        self.pages("/api/spaces/failedcheckins", query)
    }

    pub async fn failed_checkin(&self, id: i64) -> Result<FailedCheckin, ApiError> {
        self.get(&format!("/api/spaces/failedcheckins/{id}"), &[])
            .await
    }
}

fn validation_error(status: u16, envelope: WriteEnvelope) -> ApiError {
    let errors = envelope.errors.unwrap_or_default();
    let message = envelope
        .message
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.property_name, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        });
    ApiError::Validation {
        status,
        message,
        errors,
    }
}

/// The error a non-2xx answer stands for.
fn status_error(answer: &Answer, path: &str) -> ApiError {
    let status = answer.status.as_u16();
    let message = || {
        serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("Message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| answer.snippet())
    };
    match status {
        400 => match serde_json::from_slice::<WriteEnvelope>(&answer.body) {
            Ok(envelope) => validation_error(status, envelope),
            Err(_) => ApiError::Validation {
                status,
                message: answer.snippet(),
                errors: vec![],
            },
        },
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden {
            message: message(),
            role: None,
        },
        404 => ApiError::NotFound {
            what: path.to_owned(),
        },
        405 => ApiError::NotAllowed {
            what: path.to_owned(),
        },
        409 | 429 | 503 => ApiError::Throttled {
            status,
            retry_after: retry_after(&answer.headers),
        },
        500..=599 => ApiError::Server {
            status,
            message: message(),
        },
        _ => ApiError::UnexpectedStatus {
            status,
            message: message(),
        },
    }
}

/// `Retry-After` as seconds or an HTTP date; one second when absent or unreadable.
fn retry_after(headers: &HeaderMap) -> Duration {
    retry_after_said(headers).unwrap_or(Duration::from_secs(1))
}

/// How long an answer's `Retry-After` (seconds or an HTTP date) asks to wait, if it says so
/// readably: for any host's answers, not only Nexudus's (the kiosk's photo host too).
pub fn retry_after_said(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(
            retry_after(&h),
            Duration::from_secs(1),
            "absent means one second"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Duration::from_secs(7));
        let later = SystemTime::now() + Duration::from_secs(30);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let d = retry_after(&h);
        assert!(
            d > Duration::from_secs(27) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(
            retry_after(&h),
            Duration::from_secs(1),
            "garbage falls back to one second"
        );
    }
}
