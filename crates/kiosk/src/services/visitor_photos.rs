//! Visitors' photos (issue 28), where staff switch them on: an invited guest is asked at
//! sign-in (`VisitorOutcome::TakePhoto`) and a walk-in with their registration; the tablet's
//! camera takes it in the browser face, the visitor may choose not to have one. The photo is
//! printed on the badge, never shown on the public screen, and wiped with the visit.

use base64::Engine;
use serde::Deserialize;
use uuid::Uuid;

use super::Visitors;
use super::visitors::VisitorOutcome;
use crate::domain::attempts::Caller;
use crate::domain::model::VISITORS_DAY;
use crate::error::{Invalid, KioskError};

/// The largest photo the kiosk keeps: a badge's photo is a few centimetres wide (the screen
/// sends a JPEG 480 px wide, tens of KB). Sent as base64 it stays within the tablets' face's
/// request limit (`kiosk_web::BODY_LIMIT`, 512 KB), as the space's logo does.
pub const PHOTO_MAX: usize = 256 * 1024;

/// What the screen sends for a visitor's photo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorPhoto {
    /// A JPEG or PNG picture, base64.
    Taken { image: String },
    /// The visitor chose not to have one.
    Declined,
}

impl VisitorPhoto {
    /// The picture's bytes (`None`: declined), refused unless a JPEG or PNG of a sensible size.
    pub(super) fn bytes(&self) -> Result<Option<Vec<u8>>, Invalid> {
        let Self::Taken { image } = self else {
            return Ok(None);
        };
        let refuse = |why: &str| Invalid::new("photo", why.to_owned());
        if image.len() > PHOTO_MAX * 4 / 3 + 4 {
            return Err(refuse("the photo is larger than a badge needs"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(image.trim())
            .map_err(|_| refuse("the photo is not base64"))?;
        let picture = bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG");
        if !picture || bytes.len() > PHOTO_MAX {
            return Err(refuse("the photo is not a JPEG or PNG picture"));
        }
        Ok(Some(bytes))
    }
}

impl Visitors {
    /// An invited guest asked for a photo (`TakePhoto`) gives it, or chooses not to, and is
    /// signed in.
    pub fn give_photo(
        &self,
        caller: Caller,
        visit: Uuid,
        photo: &VisitorPhoto,
    ) -> Result<VisitorOutcome, KioskError> {
        self.tries.allowed(caller)?;
        let location = self.shared.location()?;
        let bytes = photo.bytes()?;
        let now = self.shared.clock.now();
        let since = now - VISITORS_DAY;
        let known = self
            .shared
            .store
            .read(|tx| tx.visitor(visit))?
            .is_some_and(|v| v.location_id == location.id && v.expected_arrival >= since);
        if !known {
            self.tries.wrong(caller);
            return Err(KioskError::UnknownCode);
        }
        self.shared
            .store
            .write(|tx| tx.keep_visitor_photo(visit, bytes.as_deref(), now))?;
        self.sign_in_by(caller, visit)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::badges::LabelSize;
    use crate::domain::clock::Clock;
    use crate::domain::model::OutboxOp;
    use crate::services::WalkIn;
    use crate::services::fixture::{Fixture, change_visitors, expect_guest, fixture, queued};

    /// A 1 x 1 PNG, as the camera's picture.
    const PICTURE: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    fn asking_for_photos(f: &Fixture) {
        change_visitors(f, |v| {
            v.photos = true;
            v.badge_label = LabelSize::Tall;
        });
    }

    fn taken() -> VisitorPhoto {
        VisitorPhoto::Taken {
            image: PICTURE.into(),
        }
    }

    /// Whether a badge's PDF holds a picture besides the QR code (drawn as a path).
    fn has_picture(pdf: &[u8]) -> bool {
        pdf.windows(13)
            .any(|w| w == b"/Subtype /Ima" || w == b"/Subtype/Imag")
    }

    #[test]
    fn an_invited_guest_is_asked_for_a_photo_which_prints_on_their_badge() {
        let f = fixture();
        asking_for_photos(&f);
        let visit = expect_guest(&f, "K7P2QX");
        let k = &f.kiosk;
        let asked = k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
        assert_eq!(
            asked,
            VisitorOutcome::TakePhoto {
                visit,
                first_name: "Ingrid".into()
            }
        );
        assert!(queued(&f).is_empty(), "nothing recorded before the photo");
        let inside = k
            .visitors()
            .give_photo(Caller::Screen, visit, &taken())
            .unwrap();
        assert!(
            matches!(inside, VisitorOutcome::Arrived { .. }),
            "{inside:?}"
        );
        assert_eq!(queued(&f), [OutboxOp::VisitorArrived]);
        let row = k
            .shared
            .store
            .read(|tx| tx.visitor(visit))
            .unwrap()
            .unwrap();
        assert!(
            has_picture(&k.badges().pdf(&row).unwrap()),
            "the photo is on the badge"
        );
        let shown = k.badges().on_screen(visit).unwrap();
        assert!(
            !format!("{shown:?}").contains(PICTURE),
            "the screen's badge never carries the photo"
        );
    }

    #[test]
    fn a_visitor_may_choose_no_photo_and_is_not_asked_again_that_visit() {
        let f = fixture();
        asking_for_photos(&f);
        let visit = expect_guest(&f, "K7P2QX");
        let k = &f.kiosk;
        k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
        let inside = k
            .visitors()
            .give_photo(Caller::Screen, visit, &VisitorPhoto::Declined)
            .unwrap();
        assert!(
            matches!(inside, VisitorOutcome::Arrived { .. }),
            "{inside:?}"
        );
        k.visitors().sign_out(Caller::Screen, "K7P2QX").unwrap();
        let again = k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
        assert!(
            matches!(again, VisitorOutcome::Arrived { .. }),
            "not asked again: {again:?}"
        );
        let row = k
            .shared
            .store
            .read(|tx| tx.visitor(visit))
            .unwrap()
            .unwrap();
        assert!(!has_picture(&k.badges().pdf(&row).unwrap()));
    }

    #[test]
    fn a_walk_in_gives_the_photo_with_the_registration_and_only_a_picture_is_taken() {
        let f = fixture();
        asking_for_photos(&f);
        let k = &f.kiosk;
        let walk_in = |photo: Option<VisitorPhoto>| WalkIn {
            full_name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            company: None,
            host_id: 2,
            signing: None,
            returning: None,
            photo,
        };
        let field = |e: KioskError| match e {
            KioskError::Invalid(i) => i.field,
            other => panic!("{other:?}"),
        };
        let asked = k
            .visitors()
            .walk_in(Caller::Screen, &walk_in(None))
            .unwrap_err();
        assert_eq!(field(asked), "photo");
        for bad in ["not base64!", "aGVsbG8=", &"A".repeat(700_000)] {
            let refused = k
                .visitors()
                .walk_in(
                    Caller::Screen,
                    &walk_in(Some(VisitorPhoto::Taken { image: bad.into() })),
                )
                .unwrap_err();
            assert_eq!(field(refused), "photo", "{}", &bad[..bad.len().min(12)]);
        }
        assert!(queued(&f).is_empty(), "nothing kept from a refused form");
        let VisitorOutcome::Arrived { visit, .. } = k
            .visitors()
            .walk_in(Caller::Screen, &walk_in(Some(taken())))
            .unwrap()
        else {
            panic!("in");
        };
        assert!(
            k.shared
                .store
                .read(|tx| tx.visitor_photo(visit))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_photo_goes_with_its_visit_when_the_day_is_wiped() {
        let f = fixture();
        asking_for_photos(&f);
        let visit = expect_guest(&f, "K7P2QX");
        let k = &f.kiosk;
        k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
        k.visitors()
            .give_photo(Caller::Screen, visit, &taken())
            .unwrap();
        // Sent, so that nothing waits for the row any more.
        k.shared
            .store
            .write(|tx| {
                for e in tx.outbox_with(crate::domain::model::OutboxStatus::Pending, 10)? {
                    tx.finish(e.id, f.clock.now())?;
                }
                Ok::<_, crate::StoreError>(())
            })
            .unwrap();
        f.clock.advance(Duration::days(2));
        let before = crate::domain::model::forget_visitors_before(f.clock.now(), 0);
        k.shared
            .store
            .write(|tx| tx.wipe_visitors_before(before))
            .unwrap();
        assert_eq!(
            k.shared.store.read(|tx| tx.visitor_photo(visit)).unwrap(),
            None
        );
    }
}
