//! Every call a face can make, declared once. Each line names the call, its arguments, its
//! answer and what it does; from that one declaration come the dispatcher both faces use (the
//! Tauri app's single `call` command and the browser face's `POST /api/{call}`), the list of
//! call names, and the UI's typed `Calls` interface (generated into `ui/src/lib/types.ts`).
//! Adding a call is a line here plus the `Kiosk` method it runs (CONTRIBUTING.md).
//!
//! Staff calls carry the staff PIN (`pin`) and check it first. What only one face can do
//! (start at login, leave kiosk mode, the pairing code) goes through [`Face`], which each face
//! implements; the status tells the UI which of them the face has ([`crate::Capabilities`]).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::doctor::DoctorReport;
use crate::error::{Invalid, KioskError};
use crate::kiosk::Kiosk;
use crate::settings::{Location, Settings};
use crate::views::{AuditLine, PairingInfo, QueueItem, Status, TapOutcome, Tile};

/// What only the face itself can do. Every method has the answer of a face that cannot.
pub trait Face: Send + Sync {
    /// Start the kiosk at login: `None` reads the setting, `Some` sets it; answers it.
    fn autostart(&self, enabled: Option<bool>) -> Result<bool, KioskError> {
        let _ = enabled;
        Err(KioskError::Unsupported)
    }

    /// Leave kiosk mode (the app closes).
    fn leave_kiosk(&self) -> Result<(), KioskError> {
        Err(KioskError::Unsupported)
    }

    /// The code tablets pair with, where the face pairs tablets.
    fn pairing(&self) -> PairingInfo {
        PairingInfo {
            code: String::new(),
            required: false,
        }
    }
}

/// A face with nothing of its own (tests, the command line).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFace;

impl Face for NoFace {}

/// The largest number of search results a call may ask for.
const SEARCH_LIMIT: usize = 200;

fn parse_args<T: DeserializeOwned>(args: serde_json::Value) -> Result<T, KioskError> {
    // An object of named arguments, or nothing: serde would also take a list by position,
    // which no face sends and no reader of a request log could check.
    let args = match args {
        serde_json::Value::Null => serde_json::Value::Object(serde_json::Map::new()),
        serde_json::Value::Object(_) => args,
        _ => return Err(Invalid::new("args", "the arguments are a JSON object").into()),
    };
    serde_json::from_value(args).map_err(|e| Invalid::new("args", e.to_string()).into())
}

fn to_json<T: Serialize>(answer: &T) -> Result<serde_json::Value, KioskError> {
    serde_json::to_value(answer).map_err(|e| KioskError::Internal(e.to_string()))
}

macro_rules! calls {
    (
        using ($k:ident, $face:ident);
        $(
            $(#[doc = $doc:literal])*
            $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $answer:ty $body:block
        )*
    ) => {
        /// The name of every call, in declaration order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Runs the call `name` with its arguments (a JSON object, or null for none) and
        /// answers its result as JSON.
        async fn dispatch(
            kiosk: &Kiosk,
            face: &dyn Face,
            name: &str,
            args: serde_json::Value,
        ) -> Result<serde_json::Value, KioskError> {
            match name {
                $(
                    stringify!($name) => {
                        #[derive(serde::Deserialize)]
                        #[serde(deny_unknown_fields)]
                        struct Args { $($arg: $ty),* }
                        $(#[doc = $doc])*
                        #[allow(unused_variables, clippy::unused_async)]
                        async fn run(
                            $k: &Kiosk,
                            $face: &dyn Face,
                            Args { $($arg),* }: Args,
                        ) -> Result<$answer, KioskError> $body
                        let answer = run(kiosk, face, parse_args(args)?).await?;
                        to_json(&answer)
                    }
                )*
                other => Err(KioskError::UnknownCall(other.to_owned())),
            }
        }

        /// The UI's `Calls` interface: each call's arguments and answer, in TypeScript.
        pub fn typescript(cfg: &ts_rs::Config) -> String {
            let mut out = String::from(
                "/** Every kiosk call (crates/kiosk/src/calls.rs): its arguments and its answer. */\nexport interface Calls {\n",
            );
            $(
                let args: Vec<String> = vec![
                    $(format!("{}: {}", stringify!($arg), <$ty as ts_rs::TS>::name(cfg))),*
                ];
                let args = if args.is_empty() {
                    "Record<string, never>".to_owned()
                } else {
                    format!("{{ {} }}", args.join("; "))
                };
                out.push_str(&format!(
                    "  {}: {{ args: {}; answer: {} }};\n",
                    stringify!($name),
                    args,
                    <$answer as ts_rs::TS>::name(cfg),
                ));
            )*
            out.push_str("}\n");
            out
        }
    };
}

calls! {
    using (k, face);

    /// The status bar: connectivity, the queue, the location, what the face can do.
    status() -> Status { k.status() }
    /// The tile grid of the location's active members.
    grid() -> Vec<Tile> { k.grid() }
    /// Search as you type.
    search(query: String, limit: Option<usize>) -> Vec<Tile> {
        k.search(&query, limit.unwrap_or(50).min(SEARCH_LIMIT))
    }
    settings() -> Settings { Ok(k.settings()) }
    /// The account's locations, for the picker.
    locations() -> Vec<Location> { k.locations() }
    tap(member_id: i64) -> TapOutcome { k.tap(member_id) }
    /// A PIN from the pad; one the kiosk does not know yet is looked up online.
    tap_pin(pin: String) -> TapOutcome { k.tap_pin(&pin).await }
    tap_card(card: String) -> TapOutcome { k.tap_card(&card) }
    /// A sync round now, pulling members and today's check-ins too.
    sync_now() -> () {
        k.sync_now();
        Ok(())
    }
    staff_verify(pin: String) -> () { k.verify_staff_pin(&pin) }
    /// Sets the staff PIN; `current` is needed once one is set.
    staff_set_pin(current: Option<String>, new: String) -> () {
        k.set_staff_pin(current.as_deref(), &new)
    }
    update_settings(pin: String, settings: Settings) -> () { k.update_settings(&pin, settings) }
    staff_queue(pin: String) -> Vec<QueueItem> { k.queue(&pin, 200) }
    staff_retry(pin: String, id: i64) -> () { k.retry_parked(&pin, id) }
    staff_discard(pin: String, id: i64) -> () { k.discard_parked(&pin, id) }
    staff_audit(pin: String) -> Vec<AuditLine> { k.audit_log(&pin, 200) }
    /// Checks the Nexudus account (reads only, unless `write_test` names a member).
    staff_check_account(pin: String, write_test: Option<i64>) -> DoctorReport {
        k.staff_check_account(&pin, write_test).await
    }
    /// Who is in at this location now, by full name.
    staff_who_is_in(pin: String) -> Vec<Tile> { k.who_is_in(&pin) }
    /// Logs in to Nexudus; the password is used once and never kept.
    staff_login(
        pin: String,
        email: String,
        password: String,
        totp: Option<String>,
        base_url: Option<String>,
    ) -> () {
        let password = nexudus::Secret::new(password);
        k.login(&pin, base_url.as_deref(), &email, &password, totp.as_deref())
            .await
    }
    staff_logout(pin: String) -> () { k.logout(&pin).await }
    /// The code tablets pair with (empty where the face pairs none).
    staff_pairing(pin: String) -> PairingInfo {
        k.verify_staff_pin(&pin)?;
        Ok(face.pairing())
    }
    /// Start at login: `enabled` null only reads it.
    autostart(pin: String, enabled: Option<bool>) -> bool {
        k.verify_staff_pin(&pin)?;
        face.autostart(enabled)
    }
    /// The only way out of kiosk mode.
    leave_kiosk(pin: String) -> () {
        k.verify_staff_pin(&pin)?;
        face.leave_kiosk()
    }
}

/// Runs a call for a face: off the async workers (a tap commits to disk, a staff call hashes a
/// PIN). A face shows a failure as [`KioskError::to_dto`], with a status of its own if it has one.
pub async fn call(
    kiosk: &Kiosk,
    face: std::sync::Arc<dyn Face>,
    name: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, KioskError> {
    let kiosk = kiosk.clone();
    let name = name.to_owned();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        runtime.block_on(dispatch(&kiosk, face.as_ref(), &name, args))
    })
    .await
    .unwrap_or_else(|e| Err(KioskError::Internal(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn every_declared_call_is_dispatched_and_an_unknown_one_is_refused_by_code() {
        let kiosk = Kiosk::open(crate::KioskConfig::default()).unwrap();
        let face: std::sync::Arc<dyn Face> = std::sync::Arc::new(NoFace);
        for name in NAMES {
            // Empty arguments: each call either answers or refuses them, never "unknown".
            let result = call(
                &kiosk,
                std::sync::Arc::clone(&face),
                name,
                serde_json::Value::Null,
            )
            .await;
            if let Err(e) = result {
                assert_ne!(
                    e.code(),
                    "unknown_call",
                    "{name} is declared but not dispatched"
                );
            }
        }
        let err = call(&kiosk, face, "format_disk", serde_json::Value::Null)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "unknown_call");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn arguments_of_the_wrong_shape_are_refused_as_invalid_args() {
        let kiosk = Kiosk::open(crate::KioskConfig::default()).unwrap();
        let face: std::sync::Arc<dyn Face> = std::sync::Arc::new(NoFace);
        for args in [
            serde_json::json!({"member_id": "seven"}),
            serde_json::json!({"member_id": 7, "extra": 1}),
            serde_json::json!([7]),
        ] {
            let err = call(&kiosk, std::sync::Arc::clone(&face), "tap", args.clone())
                .await
                .unwrap_err()
                .to_dto();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("invalid", Some("args")),
                "{args}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_face_without_autostart_says_unsupported_after_the_staff_pin() {
        let kiosk = Kiosk::open(crate::KioskConfig::default()).unwrap();
        kiosk.set_staff_pin(None, "2468").unwrap();
        let face: std::sync::Arc<dyn Face> = std::sync::Arc::new(NoFace);
        let wrong = call(
            &kiosk,
            std::sync::Arc::clone(&face),
            "autostart",
            serde_json::json!({"pin": "0000", "enabled": true}),
        )
        .await
        .unwrap_err();
        assert_eq!(wrong.code(), "wrong_pin", "the PIN is checked first");
        let err = call(
            &kiosk,
            face,
            "autostart",
            serde_json::json!({"pin": "2468", "enabled": true}),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "unsupported");
    }
}
