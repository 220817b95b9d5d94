//! Locations in their own time zones: Nexudus names a Windows zone, the kiosk runs on the IANA
//! zone CLDR maps it to, and staff can set another.

use std::time::Duration;

use kiosk::{Location, Settings};
use nexudus::Limits;
use scenarios::{STAFF_PIN, connect, drain, fast_sync, open_kiosk, quiet_sim};

const SYDNEY: i64 = 1004;

/// Members of a location who may check in there (active, with a plan).
fn eligible_at(sim: &nexudus_sim::SimHandle, location: i64) -> Vec<i64> {
    sim.coworkers()
        .into_iter()
        .filter(|c| c.active && c.tariff_name.is_some() && c.invoicing_business_id == location)
        .map(|c| c.id)
        .collect()
}

/// Issue 10, failure 5: businesses carry a `SimpleTimeZoneId`, not an IANA name, and the old
/// kiosk ran every location in UTC: a Sydney check-in's local time was off by ten hours or more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_location_runs_in_the_zone_nexudus_gives_it_and_staff_can_set_another() {
    let sim = quiet_sim(400).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, &sim).await;

    // Staff pick Sydney Wharf from the picker, as the panel does.
    let sydney: Location = kiosk
        .account()
        .locations()
        .unwrap()
        .into_iter()
        .find(|l| l.id == SYDNEY)
        .expect("Sydney Wharf is in the picker");
    assert_eq!(sydney.time_zone, "Australia/Sydney", "{sydney:?}");
    assert_eq!(
        sydney.nexudus_zone.as_deref(),
        Some("AUS Eastern Standard Time"),
        "the panel can say where the zone came from"
    );
    let settings = Settings {
        location: Some(sydney),
        double_tap_seconds: 0,
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), settings.clone())
        .unwrap();
    kiosk.account().sync_once(&fast_sync()).await;

    let member = eligible_at(&sim, SYDNEY)[0];
    kiosk.members().tap(member).unwrap();
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.pending, 0);
    let record = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(member))
        .expect("the check-in reached Nexudus");
    let sydney_wall_clock = record
        .from_time
        .with_timezone(&chrono_tz::Australia::Sydney)
        .naive_local();
    assert_eq!(
        record
            .from_time_local
            .map(|t| t.format("%F %T").to_string()),
        Some(sydney_wall_clock.format("%F %T").to_string()),
        "FromTimeLocal is Sydney's wall clock"
    );

    // Staff set another zone: the kiosk keeps it over Nexudus's at the next pull.
    let mut own = settings.clone();
    let location = own.location.as_mut().unwrap();
    location.time_zone = "Pacific/Auckland".into();
    location.zone_set_by_staff = true;
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), own)
        .unwrap();
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    let kept = kiosk.account().settings().location.unwrap();
    assert_eq!(
        (kept.time_zone.as_str(), kept.zone_set_by_staff),
        ("Pacific/Auckland", true),
        "the staff's zone stands"
    );
}

/// A location picked while the kiosk did not know its zone (a kiosk set up before this
/// version, with UTC) takes up Nexudus's zone at the next pull, and the staff hear of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_location_picked_in_utc_takes_up_its_nexudus_zone() {
    let sim = quiet_sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, &sim).await;
    let settings = Settings {
        location: Some(Location {
            id: SYDNEY,
            name: "Sydney Wharf".into(),
            time_zone: "UTC".into(),
            ..Location::default()
        }),
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), settings)
        .unwrap();
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    let location = kiosk.account().settings().location.unwrap();
    assert_eq!(location.time_zone, "Australia/Sydney");
    assert!(
        kiosk
            .desk()
            .audit_log(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), 5)
            .unwrap()
            .iter()
            .any(|l| l.action == "time_zone_from_nexudus"),
        "the audit log says the zone changed"
    );
}
