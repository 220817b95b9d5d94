//! What the simulator's wire tests share: a plain HTTP client (not the kiosk's) logged in to a
//! simulator of its own.
#![allow(dead_code)] // each test file uses its own part of it

use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, SimHandle, Simulator};
use reqwest::StatusCode;
use serde_json::Value;

/// A plain HTTP client logged in to a simulator of its own.
pub struct Wire {
    pub sim: SimHandle,
    pub http: reqwest::Client,
    pub token: String,
}

impl Wire {
    pub async fn start(config: SimConfig) -> Self {
        let sim = Simulator::start(config).await.unwrap();
        let http = reqwest::Client::new();
        let mut w = Self {
            sim,
            http,
            token: String::new(),
        };
        w.token = w.login(DEMO_EMAIL, DEMO_PASSWORD, "kiosk").await["access_token"]
            .as_str()
            .unwrap()
            .into();
        w
    }

    pub async fn quiet(members: usize) -> Self {
        Self::start(SimConfig::quiet(members)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url(), path.trim_start_matches('/'))
    }

    /// An access token of the simulator's read-only account.
    pub async fn reader_token(&self) -> String {
        self.login("reader@demo.nexudus-sim.local", "reader", "r")
            .await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn login(&self, email: &str, password: &str, client_id: &str) -> Value {
        let r = self
            .http
            .post(self.url("/api/token"))
            .header("client_id", client_id)
            .form(&[
                ("grant_type", "password"),
                ("username", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// The status of a GET made with another account's token.
    pub async fn status_as(&self, token: &str, path: &str) -> StatusCode {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }
}
