//! Fixes at the desk: parked entries retried or dropped.

use crate::domain::problem::SendProblem;
use crate::error::ErrorCode;
use crate::services::fixture::{PIN, fixture};

#[test]
fn a_parked_entry_is_retried_or_discarded_by_staff_with_an_audit_line() {
    let f = fixture();
    f.kiosk.members().tap(1).unwrap();
    let required = SendProblem::Refused {
        code: ErrorCode::Validation,
        said: Some("FromTime: is a required field".into()),
    };
    let id = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.outbox_head())
        .unwrap()
        .unwrap()
        .id;
    f.kiosk
        .shared
        .store
        .write(|tx| tx.park(id, &required, false))
        .unwrap();
    assert_eq!(f.kiosk.account().status().unwrap().parked, 1);
    let queue = f
        .kiosk
        .desk()
        .queue(&f.kiosk.staff().by_pin(PIN).unwrap(), 10)
        .unwrap();
    assert_eq!(queue[0].member_name.as_deref(), Some("Zoë Ødegaard"));
    assert_eq!(
        queue[0].entry.last_error.as_ref(),
        Some(&required),
        "the queue says why, as a code and Nexudus's own words"
    );
    f.kiosk
        .desk()
        .retry_parked(&f.kiosk.staff().by_pin(PIN).unwrap(), id)
        .unwrap();
    assert_eq!(f.kiosk.account().status().unwrap().pending, 1);
    f.kiosk
        .shared
        .store
        .write(|tx| tx.park(id, &required, false))
        .unwrap();
    f.kiosk
        .desk()
        .discard_parked(&f.kiosk.staff().by_pin(PIN).unwrap(), id)
        .unwrap();
    let status = f.kiosk.account().status().unwrap();
    assert_eq!((status.pending, status.parked), (0, 0));
    let log = f
        .kiosk
        .desk()
        .audit_log(&f.kiosk.staff().by_pin(PIN).unwrap(), 10)
        .unwrap();
    assert!(
        log.iter()
            .any(|line| line.action == "queue_discard" && line.detail.contains("required field"))
    );
}
