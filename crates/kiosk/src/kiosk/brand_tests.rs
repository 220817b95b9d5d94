//! The space's logo and look, kept on the kiosk.

use super::tests::{PIN, fixture};
use crate::brand::Branding;
use crate::error::KioskError;
use crate::events::Event;
use crate::settings::Settings;

const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

#[test]
fn staff_set_a_logo_that_is_kept_and_a_bad_one_changes_nothing() {
    let f = fixture();
    let staff = f.kiosk.staff_by_pin(PIN).unwrap();
    assert_eq!(f.kiosk.logo().unwrap(), None);
    let mut events = f.kiosk.subscribe();
    f.kiosk.set_logo(&staff, Some(PNG)).unwrap();
    assert_eq!(f.kiosk.logo().unwrap().as_deref(), Some(PNG));
    assert_eq!(
        events.try_recv().unwrap(),
        Event::SettingsChanged,
        "screens load the new logo"
    );
    let svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=";
    assert!(matches!(
        f.kiosk.set_logo(&staff, Some(svg)),
        Err(KioskError::Invalid(e)) if e.field == "logo"
    ));
    assert_eq!(
        f.kiosk.logo().unwrap().as_deref(),
        Some(PNG),
        "the refused one replaced nothing"
    );
    f.kiosk.set_logo(&staff, None).unwrap();
    assert_eq!(f.kiosk.logo().unwrap(), None);
    let log = f.kiosk.audit_log(&staff, 10).unwrap();
    assert_eq!(log.iter().filter(|l| l.action == "logo_changed").count(), 2);
}

#[test]
fn a_pale_accent_is_refused_with_the_settings_left_as_they_were() {
    let f = fixture();
    let staff = f.kiosk.staff_by_pin(PIN).unwrap();
    let pale = Settings {
        branding: Branding {
            accent: Some("#ffe680".into()),
            ..Branding::default()
        },
        ..f.kiosk.settings()
    };
    assert!(f.kiosk.update_settings(&staff, pale).is_err());
    assert_eq!(f.kiosk.settings().branding, Branding::default());
}
