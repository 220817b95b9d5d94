//! Every call a face can make, declared once. Each line says whether the call only reads
//! (`read`) or may change something (`write`), and names the call, its arguments, its answer
//! and what it does; from that one declaration come the dispatcher both faces use (the
//! Tauri app's single `call` command and the browser face's `POST /api/{call}`), the list of
//! call names, and the UI's typed `Calls` interface (generated into `ui/src/lib/types.ts`).
//! Adding a call is a line here plus the `Kiosk` method it runs (CONTRIBUTING.md).
//!
//! Staff calls carry a staff session (`session`, from `staff_unlock` with the staff PIN) and
//! check it first: the PIN crosses once, not with every call. What only one face can do
//! (start at login, leave kiosk mode, who the caller is, its TLS certificate) goes through
//! [`Face`], which each face implements; the status tells the UI which of them the face has
//! ([`crate::Capabilities`]).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::doctor::DoctorReport;
use crate::domain::agreements::AgreementText;
use crate::domain::attempts::Caller;
use crate::domain::badges::{BadgePrint, PrinterCondition, ScreenBadge};
use crate::domain::desk_views::{Health, Occupancy, Presence, RollCall, Today};
use crate::domain::peers::PeerKiosk;
use crate::domain::settings::{Location, Settings};
use crate::domain::views::{AuditLine, PairingInfo, QueueItem, Status, TapOutcome, Tile};
use crate::error::{Invalid, KioskError};
use crate::services::{
    FoundVisitor, Host, Kiosk, NewScrapeToken, SignedCopy, Signing, StaffSession, VisitorOutcome,
    VisitorPhoto, WalkIn, WrongPins,
};
use crate::store::{Device, ScrapeToken};

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

    /// The screen went idle (its idle timer sent it back to the grid or the attract screen) or
    /// was touched again: the app installs an update only while it is idle.
    fn screen_idle(&self, idle: bool) -> Result<(), KioskError> {
        let _ = idle;
        Ok(())
    }

    /// Who is calling through this face: its own screen unless it says a paired tablet.
    fn caller(&self) -> Caller {
        Caller::Screen
    }

    /// The SHA-256 fingerprint of the face's TLS certificate, where it serves HTTPS, for
    /// staff to compare with what a tablet's browser shows.
    fn tls_fingerprint(&self) -> Option<String> {
        None
    }

    /// How this face reaches other kiosks, where it serves the network.
    fn peer_line(&self) -> Option<&dyn crate::services::PeerLine> {
        None
    }
}

/// The staff panel's tablets section: the pairing code, the paired tablets, wrong PINs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Tablets {
    pub pairing: PairingInfo,
    pub devices: Vec<Device>,
    pub wrong_pins: Vec<WrongPins>,
    pub tls_fingerprint: Option<String>,
}

/// The staff desk's badges section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BadgeDesk {
    /// The printer's address, where one is set.
    pub printer: Option<String>,
    /// Its condition as last read (every half minute).
    pub condition: Option<PrinterCondition>,
    pub prints: Vec<BadgePrint>,
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
    serde_json::to_value(answer).map_err(|e| KioskError::AnswerEncoding(e.to_string()))
}

/// A call's effect as declared: `read` changes nothing, `write` may.
macro_rules! effect {
    (read) => {
        true
    };
    (write) => {
        false
    };
}

macro_rules! calls {
    (
        using ($k:ident, $face:ident);
        $(
            $(#[doc = $doc:literal])*
            $effect:ident $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $answer:ty $body:block
        )*
    ) => {
        /// The name of every call, in declaration order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Whether the call `name` only reads: it changes nothing, counts no try and writes no
        /// audit line, so a face may offer it where a request must be safe to repeat (the
        /// browser face's `GET`). Unknown names are not.
        pub fn only_reads(name: &str) -> bool {
            match name {
                $(stringify!($name) => effect!($effect),)*
                _ => false,
            }
        }

        /// Each call's argument names, in declaration order.
        pub const ARGS: &[(&str, &[&str])] = &[$((stringify!($name), &[$(stringify!($arg)),*])),*];

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
    read status() -> Status { k.account().status() }
    /// The tile grid of the location's active members.
    read grid() -> Vec<Tile> { k.members().grid() }
    /// Search as you type.
    read search(query: String, limit: Option<usize>) -> Vec<Tile> {
        k.members().search(&query, limit.unwrap_or(50).min(SEARCH_LIMIT))
    }
    read settings() -> Settings { Ok(k.account().settings()) }
    /// A member's photo (a `data:` URL) where photos are on and it is fetched; `null` shows
    /// the initials (a later ask may have it).
    read member_photo(member_id: i64) -> Option<String> { k.photos().photo(member_id).await }
    /// The space's logo (a `data:` URL), if staff set one.
    read logo() -> Option<String> { k.account().logo() }
    /// The account's locations, for the picker.
    read locations() -> Vec<Location> { k.account().locations() }
    write tap(member_id: i64) -> TapOutcome { k.members().tap(member_id) }
    /// "Not you? Undo": takes back the member's latest tap (the check-in or check-out named on
    /// its card) for a few seconds after it, exactly once.
    write undo_tap(member_id: i64, checkin: uuid::Uuid) -> TapOutcome { k.members().undo_tap(member_id, checkin) }
    /// A PIN from the pad; one the kiosk does not know yet is looked up online. Wrong ones
    /// make the next try from the same screen or tablet wait.
    write tap_pin(pin: String) -> TapOutcome { k.members().tap_pin_from(face.caller(), &pin).await }
    write tap_card(card: String) -> TapOutcome { k.members().tap_card_from(face.caller(), &card) }
    /// "Forgot your PIN?": Nexudus e-mails the member with that address their PIN. The same
    /// answer for any address; a few per kiosk, then one every two minutes; only online.
    write pin_reminder(email: String) -> () { k.members().pin_reminder(&email) }
    /// An expected visitor signs in with their invitation's code (typed, or a scanner typing
    /// its QR code; one the kiosk has not pulled yet is looked up online); a wrong code counts
    /// as a wrong PIN at this screen or tablet.
    write visitor_sign_in(code: String) -> VisitorOutcome {
        k.visitors().sign_in_looking_up(face.caller(), &code).await
    }
    /// A visitor signs out with the same code.
    write visitor_sign_out(code: String) -> VisitorOutcome { k.visitors().sign_out(face.caller(), &code) }
    /// Today's visitors whose name starts with what was typed (3 letters at least; search
    /// only, a search that finds nobody counts as a wrong try).
    write visitor_find(query: String) -> Vec<FoundVisitor> { k.visitors().find(face.caller(), &query) }
    /// A visitor found by name signs in.
    write visitor_sign_in_by(visit: uuid::Uuid) -> VisitorOutcome { k.visitors().sign_in_by(face.caller(), visit) }
    /// A visitor found by name signs out.
    write visitor_sign_out_by(visit: uuid::Uuid) -> VisitorOutcome { k.visitors().sign_out_by(face.caller(), visit) }
    /// A visitor's own badge for the screen (no printer here, or it did not print), by the
    /// visit their sign-in answered.
    read visitor_badge(visit: uuid::Uuid) -> ScreenBadge { k.badges().on_screen(visit) }
    /// The agreement as a visitor reads it in the screen's language (none where staff set none).
    read visitor_agreement(language: String) -> Option<AgreementText> { Ok(k.visitors().agreement_text(&language)) }
    /// A visitor asked to sign the agreement (`SignAgreement`) signs, and is signed in.
    write visitor_sign_agreement(visit: uuid::Uuid, signing: Signing) -> VisitorOutcome {
        k.visitors().sign_agreement(face.caller(), visit, &signing)
    }
    /// A visitor asked for a photo (`TakePhoto`) gives it, or chooses not to, and is signed in.
    write visitor_photo(visit: uuid::Uuid, photo: VisitorPhoto) -> VisitorOutcome {
        k.visitors().give_photo(face.caller(), visit, &photo)
    }
    /// A returning walk-in's company from their e-mail and name as typed (both), where staff
    /// have walk-ins remembered; none otherwise.
    read visitor_returning_company(email: String, full_name: String) -> Option<String> {
        k.visitors().returning_company(&email, &full_name)
    }
    /// Members a walk-in may visit (2 letters at least; never whether they are in).
    read visitor_hosts(query: String) -> Vec<Host> { k.visitors().hosts(&query) }
    /// A walk-in registers: in at once, or waiting for the host where staff ask for approval.
    write visitor_walk_in(walk_in: WalkIn) -> VisitorOutcome { k.visitors().walk_in(face.caller(), &walk_in) }
    /// Where a waiting walk-in stands.
    read visitor_waiting(visit: uuid::Uuid) -> VisitorOutcome { k.visitors().waiting(visit) }
    /// The walk-ins waiting for their host, or just answered, by first name.
    read walk_ins_now() -> Vec<VisitorOutcome> { k.visitors().walk_ins_now() }
    /// A sync round now, pulling members and today's check-ins too.
    write sync_now() -> () {
        k.account().sync_now();
        Ok(())
    }
    /// Opens a staff session with the staff PIN: the staff calls below carry its token.
    write staff_unlock(pin: String) -> StaffSession { k.staff().unlock(&pin, face.caller()) }
    /// Ends the staff session (the panel closed).
    write staff_lock(session: String) -> () {
        k.staff().lock(&session);
        Ok(())
    }
    /// Sets the staff PIN: `current` is needed once one is set; the first one only on the
    /// kiosk's own screen.
    write staff_set_pin(current: Option<String>, new: String) -> () {
        k.staff().set_pin(face.caller(), current.as_deref(), &new)
    }
    write update_settings(session: String, settings: Settings) -> () {
        k.account().update_settings(&k.staff().session(&session, face.caller())?, settings)
    }
    read staff_queue(session: String) -> Vec<QueueItem> {
        k.desk().queue(&k.staff().session(&session, face.caller())?, 200)
    }
    write staff_retry(session: String, id: i64) -> () {
        k.desk().retry_parked(&k.staff().session(&session, face.caller())?, id)
    }
    write staff_discard(session: String, id: i64) -> () {
        k.desk().discard_parked(&k.staff().session(&session, face.caller())?, id)
    }
    read staff_audit(session: String) -> Vec<AuditLine> {
        k.desk().audit_log(&k.staff().session(&session, face.caller())?, 200)
    }
    /// Checks the Nexudus account (reads only, unless `write_test` names a member).
    write staff_check_account(session: String, write_test: Option<i64>) -> DoctorReport {
        let staff = k.staff().session(&session, face.caller())?;
        k.account().staff_check_account(&staff, write_test).await
    }
    /// The staff desk: everyone in now, members and visitors, from every source.
    read staff_presence(session: String) -> Vec<Presence> {
        k.desk().presence(&k.staff().session(&session, face.caller())?)
    }
    /// The day at a glance: arrivals and departures, refusals, parked entries with advice.
    read staff_today(session: String) -> Today {
        let staff = k.staff().session(&session, face.caller())?;
        k.desk().today(&staff).await
    }
    /// People in by hour today and on a typical same weekday, and the day's peak.
    read staff_occupancy(session: String) -> Occupancy {
        k.desk().occupancy(&k.staff().session(&session, face.caller())?)
    }
    /// The fire roll-call: everyone in now, from local data, and how fresh it is (audited).
    write staff_roll_call(session: String) -> RollCall {
        k.desk().roll_call(&k.staff().session(&session, face.caller())?)
    }
    /// This kiosk's health (`kiosk status` prints the same).
    read staff_health(session: String) -> Health {
        k.staff().session(&session, face.caller())?;
        k.desk().health()
    }
    /// Checks a member in on their behalf (audited; synced like any check-in).
    write staff_check_in_for(session: String, member_id: i64) -> TapOutcome {
        k.desk().check_in_for(&k.staff().session(&session, face.caller())?, member_id)
    }
    /// Checks a member out on their behalf (audited).
    write staff_check_out_for(session: String, member_id: i64) -> TapOutcome {
        k.desk().check_out_for(&k.staff().session(&session, face.caller())?, member_id)
    }
    /// Puts a check-out's time right ("17:30", the location's clock, the day it began).
    write staff_correct_check_out(session: String, checkin: uuid::Uuid, to_local: String) -> () {
        k.desk().correct_check_out(&k.staff().session(&session, face.caller())?, checkin, &to_local)
    }
    /// Signs out every visitor still in (the end of the day); answers how many.
    write staff_sign_out_visitors(session: String) -> usize {
        k.visitors().sign_out_all(&k.staff().session(&session, face.caller())?)
    }
    /// Who is in at this location now, by full name.
    read staff_who_is_in(session: String) -> Vec<Tile> {
        k.desk().who_is_in(&k.staff().session(&session, face.caller())?)
    }
    /// Logs in to Nexudus; the password is used once and never kept.
    write staff_login(
        session: String,
        email: String,
        password: String,
        totp: Option<String>,
        base_url: Option<String>,
    ) -> () {
        let staff = k.staff().session(&session, face.caller())?;
        let password = nexudus::Secret::new(password);
        k.account().login(&staff, base_url.as_deref(), &email, &password, totp.as_deref())
            .await
    }
    write staff_logout(session: String) -> () {
        let staff = k.staff().session(&session, face.caller())?;
        k.account().logout(&staff).await
    }
    /// The pairing code, the paired tablets and wrong PINs today.
    write staff_tablets(session: String) -> Tablets {
        let staff = k.staff().session(&session, face.caller())?;
        Ok(Tablets {
            pairing: k.staff().pairing_code(&staff)?,
            devices: k.staff().devices(&staff)?,
            wrong_pins: k.staff().wrong_pins(&staff),
            tls_fingerprint: face.tls_fingerprint(),
        })
    }
    /// A new pairing code; the old one stops working.
    write staff_new_pairing_code(session: String) -> PairingInfo {
        k.staff().session(&session, face.caller())?;
        k.staff().new_pairing_code_info()
    }
    /// Sets the space's logo (a PNG, JPEG or WebP `data:` URL, at most 256 KB), or removes it.
    write staff_set_logo(session: String, image: Option<String>) -> () {
        k.account().set_logo(&k.staff().session(&session, face.caller())?, image.as_deref())
    }
    /// Revokes a paired tablet at once.
    write staff_revoke_tablet(session: String, device_id: i64) -> () {
        k.staff().revoke_device(&k.staff().session(&session, face.caller())?, device_id)
    }
    /// Visitors' badges: the printer's condition and how each badge printed, the newest first.
    read staff_badges(session: String) -> BadgeDesk {
        let staff = k.staff().session(&session, face.caller())?;
        Ok(BadgeDesk {
            printer: k.account().settings().visitors.badge_printer,
            condition: k.badges().printer(),
            prints: k.badges().prints(&staff)?,
        })
    }
    /// Prints a visitor's badge again.
    write staff_reprint_badge(session: String, visit: uuid::Uuid) -> () {
        k.badges().reprint(&k.staff().session(&session, face.caller())?, visit)
    }
    /// Visitors' signed agreements of the last `days` days (those still kept), newest first.
    read staff_signed_agreements(session: String, days: u32) -> Vec<SignedCopy> {
        k.visitors().signed_copies(&k.staff().session(&session, face.caller())?, days)
    }
    /// A signed agreement's PDF, base64, to save (the export is in the audit log).
    write staff_agreement_pdf(session: String, visit: uuid::Uuid) -> String {
        use base64::Engine;
        let pdf = k.visitors().signed_copy_pdf(&k.staff().session(&session, face.caller())?, visit)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(pdf))
    }
    /// The other kiosks of this location found on the network, present ones first.
    read staff_kiosks(session: String) -> Vec<PeerKiosk> {
        k.desk().kiosks(&k.staff().session(&session, face.caller())?)
    }
    /// Pairs this kiosk with kiosk `name` of that list by the pairing code its staff panel
    /// shows; the two then read each other's health.
    write staff_pair_kiosk(session: String, name: String, code: String) -> PeerKiosk {
        let staff = k.staff().session(&session, face.caller())?;
        let line = face.peer_line().ok_or(KioskError::Unsupported)?;
        k.desk().pair_kiosk(&staff, &name, &code, line).await
    }
    /// Ends the pairing with kiosk `name` here.
    write staff_unpair_kiosk(session: String, name: String) -> () {
        k.desk().unpair_kiosk(&k.staff().session(&session, face.caller())?, &name)
    }
    /// The tokens IT's metrics scraper reads `GET /metrics` with, the newest first.
    read staff_scrape_tokens(session: String) -> Vec<ScrapeToken> {
        k.staff().scrape_tokens(&k.staff().session(&session, face.caller())?)
    }
    /// A new scrape token, shown this once (`name`: what staff call it, "Prometheus" if none).
    write staff_new_scrape_token(session: String, name: Option<String>) -> NewScrapeToken {
        k.staff()
            .new_scrape_token(&k.staff().session(&session, face.caller())?, name.as_deref())
    }
    /// Revokes a scrape token at once.
    write staff_revoke_scrape_token(session: String, token_id: i64) -> () {
        k.staff()
            .revoke_scrape_token(&k.staff().session(&session, face.caller())?, token_id)
    }
    /// Ends the wait after wrong member PINs at a screen or tablet.
    write staff_clear_wrong_pins(session: String, caller: Caller) -> () {
        k.staff().clear_wrong_pins(&k.staff().session(&session, face.caller())?, caller)
    }
    /// Start at login: `enabled` null only reads it.
    write autostart(session: String, enabled: Option<bool>) -> bool {
        k.staff().session(&session, face.caller())?;
        face.autostart(enabled)
    }
    /// The only way out of kiosk mode.
    write leave_kiosk(session: String) -> () {
        k.staff().session(&session, face.caller())?;
        face.leave_kiosk()
    }
    /// The screen's idle timer sent it back to the grid (`idle`), or someone touched it again:
    /// the app installs an update only while it is idle.
    write screen_idle(idle: bool) -> () {
        face.screen_idle(idle)
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
    .unwrap_or_else(|e| Err(KioskError::CallAborted(e.to_string())))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn every_staff_call_refuses_a_session_it_does_not_know() {
        let kiosk = Kiosk::open(crate::KioskConfig {
            initial_staff_pin: Some("2468".into()),
            ..crate::KioskConfig::default()
        })
        .unwrap();
        let face: Arc<dyn Face> = Arc::new(NoFace);
        // Every argument any staff call takes, well formed, with a session nobody opened.
        let every = serde_json::json!({
            "session": "not-a-session", "member_id": 1, "id": 1, "device_id": 1,
            "checkin": uuid::Uuid::nil(), "to_local": "10:00", "settings": {},
            "email": "a@example.com", "password": "x", "totp": null, "base_url": null,
            "write_test": null, "image": null, "caller": {"kind": "screen"}, "name": "lobby",
            "token_id": 1, "code": "123456", "visit": uuid::Uuid::nil(), "days": 30,
        });
        // The PIN opens a session; locking one that is not open is harmless.
        let open = ["staff_unlock", "staff_set_pin", "staff_lock"];
        for (name, names) in ARGS
            .iter()
            .filter(|(n, _)| n.starts_with("staff_") && !open.contains(n))
        {
            let args: serde_json::Map<String, serde_json::Value> = names
                .iter()
                .map(|a| ((*a).to_owned(), every[*a].clone()))
                .collect();
            let err = call(&kiosk, Arc::clone(&face), name, args.into())
                .await
                .expect_err(name);
            assert_eq!(
                err.code(),
                crate::error::ErrorCode::StaffSessionEnded,
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn only_calls_declared_read_only_read_and_an_unknown_name_is_not_one() {
        for read in ["status", "grid", "settings", "staff_health"] {
            assert!(only_reads(read), "{read} only reads");
        }
        // A sync, a tap, a search that counts wrong tries and an audited roll-call all change
        // something, so none may be repeated by a prefetching browser or a crawler.
        for write in ["sync_now", "tap", "visitor_find", "staff_roll_call", "nope"] {
            assert!(!only_reads(write), "{write} is not a read");
        }
    }

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
                    crate::error::ErrorCode::UnknownCall,
                    "{name} is declared but not dispatched"
                );
            }
        }
        let err = call(&kiosk, face, "format_disk", serde_json::Value::Null)
            .await
            .unwrap_err();
        assert_eq!(err.code(), crate::error::ErrorCode::UnknownCall);
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
                (err.code, err.field.as_deref()),
                (crate::error::ErrorCode::Invalid, Some("args")),
                "{args}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_face_without_autostart_says_unsupported_after_the_staff_session() {
        let kiosk = Kiosk::open(crate::KioskConfig::default()).unwrap();
        kiosk.staff().set_pin(Caller::Screen, None, "2468").unwrap();
        let face: std::sync::Arc<dyn Face> = std::sync::Arc::new(NoFace);
        let wrong = call(
            &kiosk,
            std::sync::Arc::clone(&face),
            "autostart",
            serde_json::json!({"session": "made-up", "enabled": true}),
        )
        .await
        .unwrap_err();
        assert_eq!(
            wrong.code(),
            crate::error::ErrorCode::StaffSessionEnded,
            "the session is checked first"
        );
        let session = kiosk.staff().unlock("2468", Caller::Screen).unwrap();
        let err = call(
            &kiosk,
            face,
            "autostart",
            serde_json::json!({"session": session.token, "enabled": true}),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), crate::error::ErrorCode::Unsupported);
    }
}
