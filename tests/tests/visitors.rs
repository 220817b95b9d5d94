//! Visitors against the simulator: the day's guests pulled, sign-ins offline, and each arrival
//! reaching Nexudus once, through an outage and lost answers.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use kiosk::Kiosk;
use kiosk::domain::attempts::Caller;
use kiosk::services::VisitorOutcome;
use nexudus::{Limits, VisitorWrite};
use scenarios::{
    HOME, agreement_notes, drain, fast_sync, loaded_kiosk, other_client_with, signing,
    sync_losing_answers, with_agreement,
};

/// The visitor PUTs the simulator took, by visitor Id.
fn puts(sim: &nexudus_sim::SimHandle) -> HashMap<i64, usize> {
    let mut by_id = HashMap::new();
    for r in sim.requests() {
        // A dropped answer's write was applied all the same: it counts.
        let applied = r.fault.is_none() || r.fault.as_deref() == Some("drop");
        if r.method == "PUT" && r.path == "/api/spaces/visitors" && applied {
            let id = r.body.as_ref().and_then(|b| b["Id"].as_i64()).unwrap_or(0);
            *by_id.entry(id).or_insert(0) += 1;
        }
    }
    by_id
}

/// The guests the simulator expects at the kiosk's location today.
fn guests_here(sim: &nexudus_sim::SimHandle) -> Vec<nexudus_sim::visitors::Visitor> {
    sim.visitors()
        .into_iter()
        .filter(|v| v.business_id == HOME)
        .collect()
}

fn sign_in(kiosk: &Kiosk, code: &str) -> VisitorOutcome {
    kiosk.visitors().sign_in(Caller::Screen, code).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expected_visitor_signs_in_offline_and_nexudus_hears_of_it_once() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let guest = sim
        .visitors()
        .into_iter()
        .find(|v| v.business_id == HOME)
        .expect("the simulator invites guests to every location");
    sim.stop();
    let outcome = sign_in(&kiosk, &guest.visitor_code.to_lowercase());
    assert!(
        matches!(
            &outcome,
            VisitorOutcome::Arrived {
                host_name: Some(_),
                ..
            }
        ),
        "signed in offline, the host named: {outcome:?}"
    );
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(status.pending, 1, "kept while offline");
    sim.resume().await.unwrap();
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = sim
        .visitors()
        .into_iter()
        .find(|v| v.id == guest.id)
        .unwrap();
    assert!(record.arrived, "arrived in Nexudus");
    assert!(record.arrival_date.is_some());
    assert_eq!(
        record.visitor_code, guest.visitor_code,
        "nothing else changed"
    );
    assert_eq!(record.coworker_id, guest.coworker_id);
    assert_eq!(puts(&sim).get(&guest.id), Some(&1), "one PUT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_visitors_signed_in_offline_arrive_in_nexudus_exactly_once_through_lost_answers()
{
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    // A busy day: a hundred invitations for this location.
    let desk = other_client_with(&sim, "reception", Limits::unlimited()).await;
    let mut codes = Vec::new();
    for i in 0..100 {
        let mut invite = VisitorWrite::new(
            HOME,
            format!("Guest {i:03}"),
            format!("guest{i}@example.com"),
            Utc::now() + chrono::Duration::minutes(i),
        );
        let code = format!("G{i:05}");
        invite.visitor_code = Some(code.clone());
        desk.create_visitor(&invite).await.unwrap();
        codes.push(code);
    }
    kiosk.account().sync_now();
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!(status.pending, 0);
    let before = sim.visitors().len();

    sim.stop();
    for code in &codes {
        assert!(matches!(
            sign_in(&kiosk, code),
            VisitorOutcome::Arrived { .. }
        ));
    }
    sim.resume().await.unwrap();
    // Half the answers are lost after Nexudus applied the write.
    sync_losing_answers(&sim, &kiosk, "/api/spaces/visitors", 1).await;
    let visitors = sim.visitors();
    assert_eq!(
        visitors.len(),
        before,
        "no visitor created twice (none created at all)"
    );
    let guests: Vec<_> = visitors
        .iter()
        .filter(|v| v.full_name.starts_with("Guest "))
        .collect();
    assert_eq!(guests.len(), 100);
    assert!(guests.iter().all(|v| v.arrived && v.arrival_date.is_some()));
    let applied = puts(&sim);
    for g in &guests {
        assert_eq!(
            applied.get(&g.id),
            Some(&1),
            "{}: one PUT applied (after a lost answer the record is read again, and nothing sent)",
            g.full_name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_made_after_the_last_pull_is_looked_up_online_by_its_code() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let desk = other_client_with(&sim, "reception", Limits::unlimited()).await;
    let mut invite = VisitorWrite::new(HOME, "Late Invite", "late@example.com", Utc::now());
    invite.visitor_code = Some("LATE42".into());
    desk.create_visitor(&invite).await.unwrap();
    let outcome = kiosk
        .visitors()
        .sign_in_looking_up(Caller::Screen, "late42")
        .await
        .unwrap();
    assert!(
        matches!(&outcome, VisitorOutcome::Arrived { first_name, .. } if first_name == "Late"),
        "found online before the next pull: {outcome:?}"
    );
    assert!(
        matches!(
            kiosk
                .visitors()
                .sign_in_looking_up(Caller::Screen, "NOPE99")
                .await,
            Err(kiosk::KioskError::UnknownCode)
        ),
        "a code Nexudus does not have either is a wrong code"
    );
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!(status.pending, 0);
    assert!(
        sim.visitors()
            .iter()
            .any(|v| v.full_name == "Late Invite" && v.arrived),
        "arrived in Nexudus"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_signed_in_at_reception_elsewhere_is_read_and_the_kiosk_writes_where_it_signed_one_in()
 {
    // `CheckedInAt` is "Location checked in at", a place's name [doc: post-visitors].
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let guests = guests_here(&sim);
    let (elsewhere, here) = (&guests[0], &guests[1]);
    let desk = other_client_with(&sim, "reception", Limits::unlimited()).await;
    let mut at_reception = VisitorWrite::from(&desk.visitor(elsewhere.id).await.unwrap());
    at_reception.arrived = true;
    at_reception.arrival_date = Some(Utc::now());
    at_reception.checked_in_at = Some("Front desk, ground floor".into());
    desk.update_visitor(&at_reception).await.unwrap();

    // The day's visitors are read again, the one signed in elsewhere among them.
    kiosk.account().sync_now();
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert!(status.problem.is_none(), "{status:?}");
    let signed_out = kiosk
        .visitors()
        .sign_out(Caller::Screen, &elsewhere.visitor_code)
        .unwrap();
    assert!(
        matches!(signed_out, VisitorOutcome::SignedOut { .. }),
        "{signed_out:?}"
    );

    assert!(matches!(
        sign_in(&kiosk, &here.visitor_code),
        VisitorOutcome::Arrived { .. }
    ));
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = sim
        .visitors()
        .into_iter()
        .find(|v| v.id == here.id)
        .unwrap();
    assert!(record.arrived && record.arrival_date.is_some());
    assert_eq!(
        record.checked_in_at.as_deref(),
        Some(scenarios::location().name.as_str()),
        "the location it signed in at, by name"
    );
}

/// Host approval decided in Nexudus (the member portal, NexIO), not at this kiosk: an expected
/// guest whose host must still approve is told to wait at the screen (not "unknown code", and no
/// wrong try counted), the host's answer given elsewhere reaches the kiosk within a pull and
/// signs them in, and a guest the host already declined is told so. The kiosk sends no
/// notification of its own: the arrival is written on the record the way Nexudus keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_approval_decided_in_nexudus_is_followed_at_the_screen() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let guests = guests_here(&sim);
    let (waiting, declined) = (&guests[0], &guests[1]);
    // The hosts were asked in Nexudus; one has declined already.
    let portal = other_client_with(&sim, "member-portal", Limits::unlimited()).await;
    for (guest, status) in [(waiting, 2), (declined, 3)] {
        let mut record = VisitorWrite::from(&portal.visitor(guest.id).await.unwrap());
        record.host_approval_status = nexudus::HostApproval::from_code(status);
        portal.update_visitor(&record).await.unwrap();
    }
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;

    let outcome = sign_in(&kiosk, &waiting.visitor_code);
    let VisitorOutcome::Waiting { visit, .. } = outcome else {
        panic!("waits for the host: {outcome:?}");
    };
    assert!(
        matches!(
            sign_in(&kiosk, &declined.visitor_code),
            VisitorOutcome::Declined { .. }
        ),
        "the host said no in Nexudus"
    );
    // The host approves in the portal; the kiosk hears of it while the guest waits.
    assert!(sim.answer_host_approval(waiting.id, true));
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    assert!(
        matches!(
            kiosk.visitors().waiting(visit).unwrap(),
            VisitorOutcome::Arrived { .. }
        ),
        "signed in once approved"
    );
    let record = sim
        .visitors()
        .into_iter()
        .find(|v| v.id == waiting.id)
        .unwrap();
    assert!(
        record.arrived && record.arrival_date.is_some(),
        "the arrival is on the record"
    );
    assert_eq!(record.checked_in_at.as_deref(), Some("Shoreditch Hub"));
    assert!(
        !sim.visitors()
            .into_iter()
            .find(|v| v.id == declined.id)
            .unwrap()
            .arrived
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guests_who_sign_the_agreement_offline_get_one_note_on_their_record_through_lost_answers() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    with_agreement(&kiosk, 4);
    // A dozen invitations, some with the host's notes, so that answers are lost on the way.
    let desk = other_client_with(&sim, "reception", Limits::unlimited()).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let mut invite = VisitorWrite::new(
            HOME,
            format!("Signer {i:02}"),
            format!("signer{i}@example.com"),
            Utc::now() + chrono::Duration::minutes(i),
        );
        invite.visitor_code = Some(format!("S{i:05}"));
        invite.notes = (i % 2 == 0).then(|| "Bring the slides.".to_owned());
        ids.push(desk.create_visitor(&invite).await.unwrap());
    }
    kiosk.account().sync_now();
    drain(&kiosk, Duration::from_secs(20)).await;
    sim.stop();
    for i in 0..12 {
        let VisitorOutcome::SignAgreement { visit, version, .. } =
            sign_in(&kiosk, &format!("S{i:05}"))
        else {
            panic!("signer {i} is asked to sign first");
        };
        let outcome = kiosk
            .visitors()
            .sign_agreement(Caller::Screen, visit, &signing(version))
            .unwrap();
        assert!(
            matches!(outcome, VisitorOutcome::Arrived { .. }),
            "{outcome:?}"
        );
    }
    sim.resume().await.unwrap();
    sync_losing_answers(&sim, &kiosk, "/api/spaces/visitors", 2).await;
    for (i, id) in ids.iter().enumerate() {
        let record = sim.visitors().into_iter().find(|v| v.id == *id).unwrap();
        let notes = record.notes.clone().unwrap_or_default();
        assert_eq!(
            agreement_notes(Some(&notes), 4),
            1,
            "signer {i}: the line once, whatever was resent: {notes:?}"
        );
        if i % 2 == 0 {
            assert!(
                notes.starts_with("Bring the slides.\n"),
                "the host's notes kept: {notes:?}"
            );
        }
        assert!(record.arrived && record.has_agreed_terms, "{record:?}");
    }
}
