//! Walk-ins against the simulator: registered in Nexudus once whatever is lost on the way, and
//! the host's answer (given through the simulator's admin API) followed to the visitor's screen.

use std::time::Duration;

use kiosk::Kiosk;
use kiosk::domain::attempts::Caller;
use kiosk::domain::settings::{Settings, VisitorSettings};
use kiosk::services::{VisitorOutcome, WalkIn};
use nexudus::Limits;
use nexudus_sim::visitors::SOURCE_NEXIO;
use scenarios::{
    STAFF_PIN, agreement_notes, drain, eligible, fast_sync, loaded_kiosk, signing,
    storing_everything, sync_losing_answers, with_agreement,
};

fn walk_in(name: &str, host_id: i64) -> WalkIn {
    WalkIn {
        full_name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        company: Some("Walk-in Ltd".into()),
        host_id,
        // Where staff set an agreement (version 1), they sign it with the registration.
        signing: Some(signing(1)),
        returning: None,
        photo: None,
    }
}

fn ask_hosts(kiosk: &Kiosk) {
    let settings = Settings {
        visitors: VisitorSettings {
            host_approval: true,
            ..VisitorSettings::default()
        },
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), settings)
        .unwrap();
}

/// The POSTs of visitors the simulator applied (a dropped answer's write was applied all the
/// same).
fn visitor_posts(sim: &nexudus_sim::SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/spaces/visitors")
        .filter(|r| r.fault.is_none() || r.fault.as_deref() == Some("drop"))
        .count()
}

async fn forty_walk_ins_through_lost_answers(keeps_system_id: bool) {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    with_agreement(&kiosk, 1);
    if keeps_system_id {
        storing_everything(&sim);
    }
    let host = eligible(&sim)[0];
    let before = sim.visitors().len();
    sim.stop();
    for i in 0..40 {
        let outcome = kiosk
            .visitors()
            .walk_in(Caller::Screen, &walk_in(&format!("Walker {i:02}"), host))
            .unwrap();
        assert!(
            matches!(outcome, VisitorOutcome::Arrived { .. }),
            "{outcome:?}"
        );
    }
    sim.resume().await.unwrap();
    sync_losing_answers(&sim, &kiosk, "/api/spaces/visitors", 2).await;
    let walkers: Vec<_> = sim
        .visitors()
        .into_iter()
        .filter(|v| v.full_name.starts_with("Walker "))
        .collect();
    assert_eq!(
        sim.visitors().len(),
        before + 40,
        "no walk-in registered twice"
    );
    assert_eq!(walkers.len(), 40);
    assert_eq!(visitor_posts(&sim), 40, "one POST applied each");
    for v in &walkers {
        assert_eq!(
            v.visitor_source, SOURCE_NEXIO,
            "registered by the front desk"
        );
        assert_eq!(v.coworker_id, Some(host));
        assert!(
            v.arrived && v.arrival_date.is_some(),
            "{} is in",
            v.full_name
        );
        assert!(v.has_agreed_terms, "signed the agreement");
        assert_eq!(
            agreement_notes(v.notes.as_deref(), 1),
            1,
            "the record says so once: {:?}",
            v.notes
        );
        assert_eq!(v.company_name.as_deref(), Some("Walk-in Ltd"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_walk_ins_offline_are_registered_once_each_through_lost_answers_found_by_email() {
    // The simulator drops SystemId (whether Nexudus keeps it is open): found by e-mail.
    forty_walk_ins_through_lost_answers(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_walk_ins_are_registered_once_each_through_lost_answers_found_by_system_id() {
    forty_walk_ins_through_lost_answers(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_approves_one_walk_in_and_declines_another_and_each_screen_follows() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    ask_hosts(&kiosk);
    let host = eligible(&sim)[0];
    let mut visits = Vec::new();
    for name in ["Ada Approved", "Dee Declined"] {
        match kiosk
            .visitors()
            .walk_in(Caller::Screen, &walk_in(name, host))
            .unwrap()
        {
            VisitorOutcome::Waiting { visit, .. } => visits.push(visit),
            other => panic!("{name} waits for the host: {other:?}"),
        }
    }
    drain(&kiosk, Duration::from_secs(20)).await;
    let id_of = |name: &str| {
        let v = sim
            .visitors()
            .into_iter()
            .find(|v| v.full_name == name)
            .expect("registered in Nexudus");
        assert_eq!(v.host_approval_status, 2, "the host is asked");
        assert!(!v.arrived, "not in before the host answers");
        v.id
    };
    let (ada, dee) = (id_of("Ada Approved"), id_of("Dee Declined"));
    kiosk.account().sync_once(&fast_sync()).await;
    assert!(
        matches!(
            kiosk.visitors().waiting(visits[0]).unwrap(),
            VisitorOutcome::Waiting { .. }
        ),
        "still waiting while the host has not answered"
    );
    assert!(sim.answer_host_approval(ada, true));
    assert!(sim.answer_host_approval(dee, false));
    kiosk.account().sync_once(&fast_sync()).await;
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    assert!(
        matches!(
            kiosk.visitors().waiting(visits[0]).unwrap(),
            VisitorOutcome::Arrived {
                host_name: Some(_),
                ..
            }
        ),
        "approved: in"
    );
    assert_eq!(
        kiosk.visitors().waiting(visits[1]).unwrap(),
        VisitorOutcome::Declined {
            first_name: "Dee".into()
        }
    );
    let record = |id: i64| sim.visitors().into_iter().find(|v| v.id == id).unwrap();
    assert!(
        record(ada).arrived,
        "the approved visitor arrived in Nexudus"
    );
    assert!(!record(dee).arrived, "the declined one did not");
    assert_eq!(
        record(ada).host_approval_status,
        5,
        "the host's answer kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_nexudus_says_needs_no_approval_is_let_in_not_declined() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    ask_hosts(&kiosk);
    let host = eligible(&sim)[0];
    let VisitorOutcome::Waiting { visit, .. } = kiosk
        .visitors()
        .walk_in(Caller::Screen, &walk_in("Nell Noapproval", host))
        .unwrap()
    else {
        panic!("waits for the host");
    };
    drain(&kiosk, Duration::from_secs(20)).await;
    // Staff in Nexudus (or Nexudus itself) set the visit to "not required".
    let desk = scenarios::other_client_with(&sim, "dashboard", Limits::unlimited()).await;
    let id = sim
        .visitors()
        .into_iter()
        .find(|v| v.full_name == "Nell Noapproval")
        .unwrap()
        .id;
    let mut record = nexudus::VisitorWrite::from(&desk.visitor(id).await.unwrap());
    record.host_approval_status = nexudus::HostApproval::NotRequired;
    desk.update_visitor(&record).await.unwrap();
    kiosk.account().sync_once(&fast_sync()).await;
    drain(&kiosk, Duration::from_secs(20)).await;
    assert!(
        matches!(
            kiosk.visitors().waiting(visit).unwrap(),
            VisitorOutcome::Arrived { .. }
        ),
        "nobody needs to approve: in"
    );
    assert!(
        sim.visitors().into_iter().any(|v| v.id == id && v.arrived),
        "and arrived in Nexudus"
    );
}
