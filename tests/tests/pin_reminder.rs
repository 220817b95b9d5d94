//! "Forgot your PIN?" (issue 24, point 5): Nexudus e-mails the member their PIN through a
//! customers' command the account offers, found by the documented command list.

use std::time::Duration;

use kiosk::{ErrorCode, Kiosk};
use nexudus::Limits;
use nexudus_sim::{SimHandle, Switches};
use scenarios::{connect, fast_sync, open_kiosk, quiet_sim};

async fn kiosk_on(sim: &SimHandle) -> (tempfile::TempDir, Kiosk) {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, sim).await;
    (dir, kiosk)
}

/// The commands the simulator ran, after the kiosk's background work has had its moment.
async fn commands_run(sim: &SimHandle) -> Vec<(String, Vec<i64>)> {
    tokio::time::sleep(Duration::from_millis(400)).await;
    sim.commands_run()
}

/// Offered online where the account has the command; the member whose address it is (any case)
/// is e-mailed; an address that is nobody's gets the very same answer and sends nothing; a
/// kiosk asking again and again is told to wait; offline, it is not offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_forgot_their_pin_is_e_mailed_it_the_same_answer_for_anyone() {
    let sim = quiet_sim(100).await;
    sim.set_switches(Switches {
        pin_reminder_command: true,
        ..Switches::default()
    });
    let (_dir, kiosk) = kiosk_on(&sim).await;
    assert!(kiosk.account().status().unwrap().pin_reminder, "offered");
    let member = sim
        .coworkers()
        .into_iter()
        .find(|c| c.active && !c.email.is_empty())
        .unwrap();
    let answer = kiosk.members().pin_reminder(&member.email.to_uppercase());
    assert!(answer.is_ok(), "{answer:?}");
    let run = commands_run(&sim).await;
    assert_eq!(run.len(), 1, "{run:?}");
    assert_eq!(run[0].1, [member.id], "for that member");

    let nobody = kiosk.members().pin_reminder("nobody@example.com");
    assert_eq!(
        format!("{nobody:?}"),
        format!("{answer:?}"),
        "the same answer for an address that is nobody's"
    );
    assert_eq!(commands_run(&sim).await.len(), 1, "and nothing sent");
    assert!(kiosk.members().pin_reminder("nobody@example.com").is_ok());
    let fourth = kiosk.members().pin_reminder(&member.email).unwrap_err();
    assert_eq!(
        fourth.code(),
        ErrorCode::TooManyReminders,
        "three, then wait"
    );

    sim.stop();
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    assert!(
        !kiosk.account().status().unwrap().pin_reminder,
        "not offered offline"
    );
    let offline = kiosk.members().pin_reminder(&member.email).unwrap_err();
    assert_eq!(offline.code(), ErrorCode::ReminderUnavailable);
}

/// An account whose command list has no PIN reminder (the simulator's default: no page names
/// one): "Forgot your PIN?" is not offered, and asked anyway it sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_pin_reminder_command_none_is_offered() {
    let sim = quiet_sim(50).await;
    let (_dir, kiosk) = kiosk_on(&sim).await;
    assert!(!kiosk.account().status().unwrap().pin_reminder);
    let email = sim.coworkers()[0].email.clone();
    let refused = kiosk.members().pin_reminder(&email).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ReminderUnavailable);
    assert!(commands_run(&sim).await.is_empty());
}
