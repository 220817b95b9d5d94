//! The grid and the search as the privacy mode allows.

use crate::domain::settings::{PrivacyMode, Settings};
use crate::services::Kiosk;
use crate::services::fixture::{PIN, fixture};

#[test]
fn the_grid_and_search_follow_the_privacy_mode() {
    let f = fixture();
    let names = |k: &Kiosk| {
        k.members()
            .grid()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&f.kiosk),
        vec!["José García", "Nia Noplan", "Zoë Ødegaard"],
        "active members of this location"
    );
    let with = |privacy| Settings {
        privacy,
        ..f.kiosk.account().settings()
    };
    f.kiosk
        .account()
        .update_settings(
            &f.kiosk.staff().by_pin(PIN).unwrap(),
            with(PrivacyMode::FirstNameInitial),
        )
        .unwrap();
    assert_eq!(names(&f.kiosk), vec!["José G.", "Nia N.", "Zoë Ø."]);
    assert_eq!(
        f.kiosk.members().grid().unwrap()[0].detail.as_deref(),
        Some("Design Guild"),
        "a first name and initial still says the team, which tells namesakes apart"
    );
    f.kiosk
        .account()
        .update_settings(
            &f.kiosk.staff().by_pin(PIN).unwrap(),
            with(PrivacyMode::Initials),
        )
        .unwrap();
    assert_eq!(names(&f.kiosk), vec!["JG", "NN", "ZØ"]);
    assert!(
        f.kiosk
            .members()
            .grid()
            .unwrap()
            .iter()
            .all(|t| t.detail.is_none()),
        "initials only: no company or team either"
    );
    f.kiosk
        .account()
        .update_settings(
            &f.kiosk.staff().by_pin(PIN).unwrap(),
            with(PrivacyMode::SearchOnly),
        )
        .unwrap();
    assert!(
        f.kiosk.members().grid().unwrap().is_empty(),
        "no grid in search-only mode"
    );
    assert!(
        f.kiosk.members().search("zo", 10).unwrap().is_empty(),
        "nothing before 3 letters"
    );
    assert_eq!(f.kiosk.members().search("zoe", 10).unwrap()[0].member_id, 1);

    f.kiosk.members().tap(2).unwrap();
    let tiles = f.kiosk.members().search("garc", 10).unwrap();
    assert_eq!(
        tiles[0].in_since_local.as_deref(),
        Some("09:00"),
        "the tile shows who is in"
    );
}

#[test]
fn tiles_ask_for_photos_only_where_a_photo_address_is_configured_and_names_are_shown() {
    let f = fixture();
    assert!(
        f.kiosk.members().grid().unwrap().iter().all(|t| !t.photo),
        "initials by default"
    );
    let bad = Settings {
        photo_url: Some("ftp://x/{id}".into()),
        ..f.kiosk.account().settings()
    };
    assert!(
        f.kiosk
            .account()
            .update_settings(&f.kiosk.staff().by_pin(PIN).unwrap(), bad)
            .is_err(),
        "only web addresses with {{id}}"
    );
    let good = Settings {
        photo_url: Some("https://photos.example.com/{id}.jpg".into()),
        ..f.kiosk.account().settings()
    };
    f.kiosk
        .account()
        .update_settings(&f.kiosk.staff().by_pin(PIN).unwrap(), good)
        .unwrap();
    let grid = f.kiosk.members().grid().unwrap();
    assert!(
        grid.iter().all(|t| t.photo),
        "photos on: every tile may ask"
    );
    // The screen gets the photo from the kiosk, never the host's address (a tablet never
    // contacts the photo host).
    let initials_only = Settings {
        privacy: PrivacyMode::Initials,
        ..f.kiosk.account().settings()
    };
    f.kiosk
        .account()
        .update_settings(&f.kiosk.staff().by_pin(PIN).unwrap(), initials_only)
        .unwrap();
    assert!(
        f.kiosk.members().grid().unwrap().iter().all(|t| !t.photo),
        "initials only: no face either"
    );
}
