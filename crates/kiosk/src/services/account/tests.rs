//! The space's logo and look, kept on the kiosk.

use crate::domain::brand::Branding;
use crate::domain::events::Event;
use crate::domain::settings::Settings;
use crate::error::KioskError;
use crate::services::fixture::{PIN, fixture};

const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

#[test]
fn staff_set_a_logo_that_is_kept_and_a_bad_one_changes_nothing() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    assert_eq!(f.kiosk.account().logo().unwrap(), None);
    let mut events = f.kiosk.subscribe();
    f.kiosk.account().set_logo(&staff, Some(PNG)).unwrap();
    assert_eq!(f.kiosk.account().logo().unwrap().as_deref(), Some(PNG));
    assert_eq!(
        events.try_recv().unwrap(),
        Event::SettingsChanged,
        "screens load the new logo"
    );
    let svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=";
    assert!(matches!(
        f.kiosk.account().set_logo(&staff, Some(svg)),
        Err(KioskError::Invalid(e)) if e.field == "logo"
    ));
    assert_eq!(
        f.kiosk.account().logo().unwrap().as_deref(),
        Some(PNG),
        "the refused one replaced nothing"
    );
    f.kiosk.account().set_logo(&staff, None).unwrap();
    assert_eq!(f.kiosk.account().logo().unwrap(), None);
    let log = f.kiosk.desk().audit_log(&staff, 10).unwrap();
    assert_eq!(log.iter().filter(|l| l.action == "logo_changed").count(), 2);
}

#[test]
fn a_pale_accent_is_refused_with_the_settings_left_as_they_were() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let pale = Settings {
        branding: Branding {
            accent: Some("#ffe680".into()),
            ..Branding::default()
        },
        ..f.kiosk.account().settings()
    };
    assert!(f.kiosk.account().update_settings(&staff, pale).is_err());
    assert_eq!(f.kiosk.account().settings().branding, Branding::default());
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let f = fixture();
    let before = f.kiosk.account().settings();
    let bad = Settings {
        idle_timeout_seconds: 1,
        ..before.clone()
    };
    assert!(matches!(
        f.kiosk
            .account()
            .update_settings(&f.kiosk.staff().by_pin(PIN).unwrap(), bad),
        Err(KioskError::Invalid(_))
    ));
    assert_eq!(f.kiosk.account().settings(), before);
}
