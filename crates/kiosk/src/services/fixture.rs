//! The services on an in-memory database with a driven clock: one fixture every service's
//! tests start from, and the helpers they share.

use crate::config::KioskConfig;
use crate::domain::clock::Clock;
use crate::domain::clock::ManualClock;
use crate::domain::model::VisitorRow;
use crate::domain::model::{Member, OutboxOp, OutboxStatus};
use crate::domain::settings::{Location, PrivacyMode, Settings};
use crate::services::Kiosk;
use crate::store::StateKey;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;
use uuid::Uuid;

pub(crate) const HERE: i64 = 1001;

/// The fixture's location, in London.
pub(crate) fn here() -> Location {
    Location {
        id: HERE,
        name: "Shoreditch Hub".into(),
        time_zone: "Europe/London".into(),
        ..Location::default()
    }
}

pub(crate) const PIN: &str = "2468";

pub(crate) fn member(id: i64, name: &str) -> Member {
    Member {
        id,
        full_name: name.into(),
        company: None,
        active: true,
        plan: Some("Hot Desk".into()),
        home_location: Some(HERE),
        locations: vec![],
        teams: vec![7],
        pin_hash: None,
        card_hash: None,
        updated_on: None,
    }
}

pub(crate) struct Fixture {
    pub(crate) kiosk: Kiosk,
    pub(crate) clock: ManualClock,
}

pub(crate) fn set_privacy(f: &Fixture, privacy: PrivacyMode) {
    f.kiosk
        .account()
        .update_settings(
            &f.kiosk.staff().by_pin(PIN).unwrap(),
            Settings {
                privacy,
                ..f.kiosk.account().settings()
            },
        )
        .unwrap();
}

pub(crate) fn fixture() -> Fixture {
    fixture_with(|_| {})
}

/// [`fixture`] with something of its configuration changed (what its face can do).
pub(crate) fn fixture_with(change: impl FnOnce(&mut KioskConfig)) -> Fixture {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap());
    let mut config = KioskConfig {
        clock: Arc::new(clock.clone()),
        initial_staff_pin: Some(PIN.into()),
        ..KioskConfig::default()
    };
    change(&mut config);
    let kiosk = Kiosk::open(config).unwrap();
    let key = kiosk.shared.device_key.clone();
    kiosk
        .shared
        .store
        .write(|tx| {
            // The account's contracts and passes have been read: members' plans are known, and
            // no one holds a pass.
            tx.set_state_time(StateKey::PlansAt, Utc::now())?;
            tx.set_state_time(StateKey::PassesAt, Utc::now())?;
            tx.replace_teams(&[(7, "Design Guild".into())])?;
            let mut zoe = member(1, "Zoë Ødegaard");
            zoe.pin_hash = Some(key.hash("pin", "1111"));
            zoe.card_hash = Some(key.hash("card", "0004212345"));
            tx.upsert_member(&zoe)?;
            tx.upsert_member(&member(2, "José García"))?;
            tx.upsert_member(&Member {
                active: false,
                ..member(3, "Ina Active")
            })?;
            tx.upsert_member(&Member {
                home_location: Some(2002),
                ..member(4, "Eli Elsewhere")
            })?;
            tx.upsert_member(&Member {
                plan: None,
                ..member(5, "Nia Noplan")
            })
        })
        .unwrap();
    kiosk.shared.rebuild_index().unwrap();
    let settings = Settings {
        location: Some(here()),
        auto_checkout: true,
        ..Settings::default()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(PIN).unwrap(), settings)
        .unwrap();
    Fixture { kiosk, clock }
}

pub(crate) fn outbox_ops(k: &Kiosk) -> Vec<(OutboxOp, OutboxStatus)> {
    k.shared
        .store
        .read(|tx| {
            let mut all = tx.outbox_with(OutboxStatus::Pending, 100)?;
            all.extend(tx.outbox_with(OutboxStatus::Done, 100)?);
            Ok::<_, crate::StoreError>(all.into_iter().map(|e| (e.op, e.status)).collect())
        })
        .unwrap()
}

/// Staff change the kiosk's visitor settings.
pub(crate) fn change_visitors(
    f: &Fixture,
    change: impl FnOnce(&mut crate::domain::settings::VisitorSettings),
) {
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let mut settings = f.kiosk.account().settings();
    change(&mut settings.visitors);
    f.kiosk.account().update_settings(&staff, settings).unwrap();
}

pub(crate) fn expect_guest(f: &Fixture, code: &str) -> Uuid {
    expect_guest_known(f, code, None)
}

/// An invited guest, known for the agreement as `signer` (`agreements::signer_key`); each
/// code its own Nexudus record.
pub(crate) fn expect_guest_known(f: &Fixture, code: &str, signer: Option<String>) -> Uuid {
    let record = code.bytes().fold(71_000_000_i64, |id, b| {
        id * 31 % 1_000_000_007 + i64::from(b)
    });
    let row = VisitorRow {
        local_id: Uuid::now_v7(),
        nexudus_id: Some(record),
        location_id: HERE,
        full_name: "Ingrid Bergström".into(),
        code: Some(code.into()),
        host_id: Some(2),
        host_name: Some("José García".into()),
        expected_arrival: f.clock.now() + Duration::minutes(30),
        arrived_at: None,
        departed_at: None,
        approval: nexudus::HostApproval::NotRequired,
        walk_in: None,
        asked_at: None,
        signer,
    };
    f.kiosk
        .shared
        .store
        .write(|tx| tx.keep_pulled_visitor(&row))
        .unwrap();
    row.local_id
}

pub(crate) fn queued(f: &Fixture) -> Vec<OutboxOp> {
    f.kiosk
        .shared
        .store
        .read(|tx| tx.outbox_with(OutboxStatus::Pending, 100))
        .unwrap()
        .into_iter()
        .map(|e| e.op)
        .collect()
}
