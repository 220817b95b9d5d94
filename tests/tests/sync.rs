//! The kiosk core against the simulator over loopback: offline, lost answers, throttling and
//! sessions that end. Each scenario says what must hold and why.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use kiosk::{Connectivity, TapOutcome};
use nexudus::{Limits, Rate};
use nexudus_sim::{Faults, ThrottleConfig, Window};
use scenarios::{HOME, connect, drain, eligible, inactive, loaded_kiosk};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_taps_offline_all_arrive_once_with_the_right_fields() {
    let (sim, dir, kiosk) = loaded_kiosk(3000, Limits::unlimited()).await;
    // Field by field: a server that keeps `Source` and `SystemId` as sent.
    scenarios::storing_everything(&sim);
    let members: Vec<i64> = eligible(&sim).into_iter().take(500).collect();
    assert_eq!(members.len(), 500, "the seed has 500 eligible members here");

    sim.stop();
    for m in &members {
        let out = kiosk.members().tap(*m).unwrap();
        assert!(
            matches!(out, TapOutcome::Welcome { .. }),
            "acknowledged at once, offline: {out:?}"
        );
    }
    let status = kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(status.connectivity, Connectivity::Offline);
    assert_eq!(status.pending, 500, "nothing lost, nothing sent");

    sim.resume().await.unwrap();
    let status = drain(&kiosk, Duration::from_mins(1)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "drained");

    let server = sim.checkins();
    assert_eq!(server.len(), 500, "exactly 500 check-ins on the server");
    let teams: HashMap<i64, String> = sim.sim().inspect()["checkins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["Id"].as_i64().unwrap(),
                c["TeamsAtTheTimeOfCheckin"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect();
    let coworkers: HashMap<i64, nexudus_sim::records::Coworker> =
        sim.coworkers().into_iter().map(|c| (c.id, c)).collect();
    let team_names: HashMap<i64, String> = nexudus_sim::seed::teams()
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let local = kiosk_rows(dir.path());
    for c in &server {
        let member = &coworkers[&c.coworker_id.unwrap()];
        assert_eq!(c.source, 4, "Source 4 = Tile");
        assert_eq!(c.business_id, HOME);
        assert_eq!(c.auto_checkout, Some(true), "the toggle was on");
        let mut plans: Vec<String> = sim
            .contracts()
            .into_iter()
            .filter(|k| k.coworker_id == member.id && k.active)
            .map(|k| k.tariff_name)
            .collect();
        plans.dedup();
        assert_eq!(
            c.tariff_at_the_time_of_checkin,
            (!plans.is_empty()).then(|| plans.join(", ")),
            "the plan at the time: the member's active contracts"
        );
        let expected_teams: Vec<&str> = member
            .teams
            .iter()
            .map(|t| team_names[t].as_str())
            .collect();
        assert_eq!(
            teams[&c.id],
            expected_teams.join(", "),
            "the teams at the time"
        );
        let row = &local[c.system_id.as_ref().expect("SystemId set")];
        assert_eq!(
            c.from_time.timestamp(),
            row.from_time.timestamp(),
            "FromTime as tapped"
        );
        assert!(c.from_time_local.is_some() && c.to_time.is_none());
    }
}

/// The kiosk's own check-ins by local id.
fn kiosk_rows(dir: &std::path::Path) -> HashMap<String, kiosk::domain::model::CheckinRow> {
    scenarios::kiosk_checkins(dir)
        .into_iter()
        .map(|r| (r.local_id.to_string(), r))
        .collect()
}

/// The kiosk's rows by the identity a server without `SystemId` leaves.
fn kiosk_rows_by_identity(
    dir: &std::path::Path,
) -> HashMap<(Option<i64>, i64), kiosk::domain::model::CheckinRow> {
    scenarios::kiosk_checkins(dir)
        .into_iter()
        .map(|r| (scenarios::local_identity(&r), r))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_thirty_percent_of_answers_lost_nothing_is_lost_or_doubled() {
    let (sim, dir, kiosk) = loaded_kiosk(2000, Limits::unlimited()).await;
    let members: Vec<i64> = eligible(&sim).into_iter().take(150).collect();
    let refused: Vec<i64> = inactive(&sim).into_iter().take(20).collect();
    sim.set_faults(Faults {
        drop_rate: 0.3,
        ..Faults::default()
    });

    // Check in everyone and sync, then check everyone out and sync: creates and PUTs both lose answers.
    for m in members.iter().chain(&refused) {
        kiosk.members().tap(*m).unwrap();
    }
    let status = drain(&kiosk, Duration::from_mins(1)).await;
    assert_eq!(status.pending, 0);
    for m in &members {
        assert!(matches!(
            kiosk.members().tap(*m).unwrap(),
            TapOutcome::Goodbye { .. }
        ));
    }
    let status = drain(&kiosk, Duration::from_mins(1)).await;
    assert_eq!((status.pending, status.parked), (0, 0));

    let dropped = sim
        .requests()
        .iter()
        .filter(|r| r.fault.as_deref() == Some("drop"))
        .count();
    assert!(
        dropped >= 30,
        "the faults really happened: {dropped} answers dropped"
    );
    let server = sim.checkins();
    let ids: HashSet<_> = server.iter().map(scenarios::server_identity).collect();
    assert_eq!(
        (server.len(), ids.len()),
        (150, 150),
        "0 duplicates, 0 lost"
    );
    assert!(
        server.iter().all(|c| c.to_time.is_some()),
        "every check-out arrived"
    );
    let local = kiosk_rows_by_identity(dir.path());
    for c in &server {
        assert_eq!(
            c.to_time.map(|t| t.timestamp()),
            local[&scenarios::server_identity(c)]
                .to_time
                .map(|t| t.timestamp())
        );
    }
    let failed = sim.failed_checkins();
    let failed_ids: HashSet<_> = failed
        .iter()
        .map(|f| f.system_id.clone().unwrap())
        .collect();
    assert_eq!(
        (failed.len(), failed_ids.len()),
        (20, 20),
        "refusals too: each once"
    );
    assert!(
        failed
            .iter()
            .all(|f| f.description.as_deref() == Some("Kiosk: the member is not active"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_writes_under_throttling_drain_with_few_409s() {
    // The documented limits scaled up so the run is short: 100 requests a second on both sides.
    let limits = Limits {
        writes: vec![Rate::spread(100, Duration::from_secs(1))],
        all: vec![Rate::spread(100, Duration::from_secs(1))],
        // Loopback to an idle simulator: no allowance for requests arriving out of step.
        jitter: Duration::ZERO,
        ..Limits::default()
    };
    let (sim, _dir, kiosk) = loaded_kiosk(7000, limits).await;
    let members: Vec<i64> = eligible(&sim).into_iter().take(1000).collect();
    assert_eq!(members.len(), 1000);
    sim.set_throttle(ThrottleConfig {
        enabled: true,
        writes: vec![Window {
            limit: 100,
            seconds: 1.0,
        }],
        all: vec![Window {
            limit: 100,
            seconds: 1.0,
        }],
    });
    for m in &members {
        kiosk.members().tap(*m).unwrap();
    }
    let before = sim.requests().len();
    let status = drain(&kiosk, Duration::from_mins(2)).await;
    assert_eq!((status.pending, status.parked), (0, 0));
    assert_eq!(sim.checkins().len(), 1000);
    let requests = &sim.requests()[before..];
    let throttled: Vec<_> = requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == 409)
        .collect();
    assert!(
        throttled.len() * 100 < requests.len(),
        "409s under 1%: {} of {}",
        throttled.len(),
        requests.len()
    );
    // Retry-After: 1 is honoured: after a 409 the next write waits at least about a second.
    for (i, r) in throttled {
        if let Some(next) = requests[i + 1..].iter().find(|n| n.method != "GET") {
            assert!(
                next.at - r.at >= chrono::Duration::milliseconds(900),
                "{:?} then {:?}",
                r.at,
                next.at
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_mid_drain_and_a_revoked_one_waits_for_login() {
    let (sim, _dir, kiosk) = loaded_kiosk(1000, Limits::unlimited()).await;
    let members = eligible(&sim);
    for m in &members[..60] {
        kiosk.members().tap(*m).unwrap();
    }
    sim.expire_access_tokens();
    let status = drain(&kiosk, Duration::from_secs(30)).await;
    assert_eq!(status.pending, 0, "refreshed and went on");
    assert_eq!(status.connectivity, Connectivity::Online);
    assert!(
        sim.requests()
            .iter()
            .filter(|r| r.path == "/api/token")
            .count()
            >= 2,
        "a refresh happened"
    );

    sim.revoke_tokens(None);
    for m in &members[60..100] {
        kiosk.members().tap(*m).unwrap();
    }
    let status = kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(
        status.connectivity,
        Connectivity::NeedsLogin,
        "the status says so"
    );
    assert_eq!(status.pending, 40, "nothing lost while waiting");
    assert!(
        matches!(
            kiosk.members().tap(members[100]).unwrap(),
            TapOutcome::Welcome { .. }
        ),
        "taps keep working"
    );

    connect(&kiosk, &sim).await;
    let status = drain(&kiosk, Duration::from_secs(30)).await;
    assert_eq!(status.pending, 0);
    let server = sim.checkins();
    let ids: HashSet<_> = server.iter().map(scenarios::server_identity).collect();
    assert_eq!(
        (server.len(), ids.len()),
        (101, 101),
        "resumed after a new login, each once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grid_follows_check_outs_made_elsewhere_and_deactivations() {
    let (sim, _dir, kiosk) = loaded_kiosk(500, Limits::unlimited()).await;
    // The door's Source must come back as sent.
    scenarios::storing_everything(&sim);
    let members = eligible(&sim);
    let (a, b) = (members[0], members[1]);
    kiosk.members().tap(a).unwrap();
    drain(&kiosk, Duration::from_secs(10)).await;

    // Nexudus's cut-off closes a's check-in; a door checks b in.
    let server_id = sim.checkins()[0].id;
    let api = scenarios::other_client(&sim, "the-dashboard").await;
    let mut closed = nexudus::CheckinWrite::from(&api.checkin(server_id).await.unwrap());
    closed.to_time = Some(chrono::Utc::now());
    api.update_checkin(&closed).await.unwrap();
    let mut door = nexudus::CheckinWrite::new(HOME, chrono::Utc::now());
    door.coworker_id = Some(b);
    door.source = nexudus::Source::DoorAccess;
    api.create_checkin(&door).await.unwrap();
    // Staff deactivate a member upstream.
    let c = members[2];
    sim.update_coworker(
        c,
        &nexudus_sim::CoworkerPatch {
            active: Some(false),
            ..Default::default()
        },
    );

    let options = kiosk::SyncOptions {
        member_interval: chrono::Duration::zero(),
        checkin_interval: chrono::Duration::zero(),
        ..scenarios::fast_sync()
    };
    kiosk.account().sync_once(&options).await;
    let grid = kiosk.members().grid().unwrap();
    let tile = |id| grid.iter().find(|t| t.member_id == id);
    assert!(
        tile(a).unwrap().in_since.is_none(),
        "checked out by Nexudus"
    );
    assert!(tile(b).unwrap().in_since.is_some(), "checked in by a door");
    assert!(tile(c).is_none(), "a deactivated member leaves the grid");
    // Tapping b now checks them out of the door's check-in, as a PUT of the whole record.
    assert!(matches!(
        kiosk.members().tap(b).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    drain(&kiosk, Duration::from_secs(10)).await;
    let door_record = sim
        .checkins()
        .into_iter()
        .find(|r| r.coworker_id == Some(b))
        .unwrap();
    assert!(door_record.to_time.is_some());
    assert_eq!(
        door_record.source, 2,
        "the door's Source is kept: the PUT sent the whole record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_pushes_on_events_and_stops_with_nothing_claimed() {
    let (sim, dir, kiosk) = loaded_kiosk(300, Limits::unlimited()).await;
    let mut events = kiosk.subscribe();
    // A long tick: only the tap's nudge can make the engine push this soon.
    let options = kiosk::SyncOptions {
        tick: Duration::from_hours(1),
        ..scenarios::fast_sync()
    };
    let engine = kiosk.account().start_sync(options);
    let member = eligible(&sim)[0];
    kiosk.members().tap(member).unwrap();
    let drained = tokio::time::timeout(Duration::from_secs(10), async {
        let mut tapped = false;
        loop {
            match events.recv().await.unwrap() {
                kiosk::Event::Tapped { .. } => tapped = true,
                kiosk::Event::SyncProgress { pending: 0, .. } if tapped => return,
                _ => {}
            }
        }
    })
    .await;
    assert!(
        drained.is_ok(),
        "the tap's event reached the server without waiting for a tick"
    );
    assert_eq!(sim.checkins().len(), 1);
    for m in &eligible(&sim)[1..20] {
        kiosk.members().tap(*m).unwrap();
    }
    engine.stop().await;
    let store = kiosk::store::Store::open(&dir.path().join("kiosk.db")).unwrap();
    let claimed = store
        .read(|tx| tx.outbox_count(kiosk::domain::model::OutboxStatus::Claimed))
        .unwrap();
    assert_eq!(claimed, 0, "a graceful stop leaves nothing claimed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_password_reaches_the_database() {
    let (sim, dir, kiosk) = loaded_kiosk(50, Limits::unlimited()).await;
    kiosk.members().tap(eligible(&sim)[0]).unwrap();
    drain(&kiosk, Duration::from_secs(10)).await;
    drop(kiosk);
    let secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("secrets.json")).unwrap()).unwrap();
    let refresh = secrets["refresh_token"]
        .as_str()
        .expect("the refresh token is kept in the secret store");
    let mut db = Vec::new();
    for name in ["kiosk.db", "kiosk.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(name)) {
            db.extend(bytes);
        }
    }
    let contains = |needle: &str| db.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        !contains(refresh),
        "the refresh token is not in the database"
    );
    assert!(
        !contains(nexudus_sim::DEMO_PASSWORD),
        "the password is not in the database"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_removed_upstream_leaves_at_the_next_full_load() {
    let (sim, _dir, kiosk) = loaded_kiosk(300, Limits::unlimited()).await;
    let gone = eligible(&sim)[0];
    assert!(
        kiosk
            .members()
            .grid()
            .unwrap()
            .iter()
            .any(|t| t.member_id == gone)
    );
    sim.sim().remove_coworker(gone);
    let options = kiosk::SyncOptions {
        full_reload_interval: chrono::Duration::zero(),
        ..scenarios::fast_sync()
    };
    kiosk.account().sync_once(&options).await;
    assert!(
        !kiosk
            .members()
            .grid()
            .unwrap()
            .iter()
            .any(|t| t.member_id == gone),
        "removed from the grid"
    );
    assert!(
        kiosk
            .members()
            .search(&gone.to_string(), 5)
            .unwrap()
            .is_empty()
    );
    assert_eq!(kiosk.account().status().unwrap().members, 299);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_pulls_member_changes_at_once() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    sim.update_coworker(
        member,
        &nexudus_sim::CoworkerPatch {
            full_name: Some("Renamed Upstream".into()),
            ..Default::default()
        },
    );
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert!(
        kiosk.members().search("renamed", 5).unwrap().is_empty(),
        "the delta is not due yet"
    );
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(
        kiosk.members().search("renamed", 5).unwrap()[0].member_id,
        member,
        "staff's sync now pulls at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_out_queued_with_its_check_in_costs_no_extra_write() {
    // The API allows 2,500 writes a day: a check-in closed before it synced goes out as one
    // POST carrying its ToTime, and its check-out, in the same batch, sends nothing more.
    let (sim, _dir, kiosk) = loaded_kiosk(400, Limits::unlimited()).await;
    let members: Vec<i64> = eligible(&sim).into_iter().take(11).collect();
    let (lost, together) = members.split_first().unwrap();
    sim.stop();
    for m in together {
        assert!(matches!(
            kiosk.members().tap(*m).unwrap(),
            TapOutcome::Welcome { .. }
        ));
        assert!(matches!(
            kiosk.members().tap(*m).unwrap(),
            TapOutcome::Goodbye { .. }
        ));
    }
    sim.resume().await.unwrap();
    let before = sim.requests().len();
    let status = drain(&kiosk, Duration::from_secs(30)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "drained");
    let writes = |from: usize| -> Vec<(String, String)> {
        sim.requests()[from..]
            .iter()
            .filter(|r| r.method != "GET" && r.path.contains("checkins"))
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect()
    };
    let sent = writes(before);
    assert_eq!(sent.len(), 10, "one write per visit: {sent:?}");
    assert!(sent.iter().all(|(m, _)| m == "POST"), "no PUT: {sent:?}");
    assert!(
        sim.checkins().iter().all(|c| c.to_time.is_some()),
        "each visit arrived closed"
    );

    // The answer to a check-in is lost, then the member leaves: the next batch finds the
    // check-in on the server, adopts it, and closes it with one PUT, in the same batch.
    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    kiosk.members().tap(*lost).unwrap();
    let status = kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert_eq!(status.pending, 1, "the answer was lost: still in doubt");
    sim.set_faults(Faults::default());
    assert!(matches!(
        kiosk.members().tap(*lost).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let before = sim.requests().len();
    let status = drain(&kiosk, Duration::from_secs(30)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "drained");
    let sent = writes(before);
    assert_eq!(
        sent.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
        ["PUT"],
        "the lost POST is not sent again; the check-out is one PUT"
    );
    let theirs: Vec<_> = sim
        .checkins()
        .into_iter()
        .filter(|c| c.coworker_id == Some(*lost))
        .collect();
    assert_eq!(theirs.len(), 1, "once on the server");
    assert!(theirs[0].to_time.is_some(), "and closed");
}

/// Nexudus archives a customer instead of deleting one: the next delta takes an archived member
/// off the grid and out of search.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_member_leaves_at_the_next_delta() {
    let (sim, _dir, kiosk) = scenarios::loaded_kiosk(100, nexudus::Limits::unlimited()).await;
    let gone = scenarios::eligible(&sim)[0];
    let name = sim
        .coworkers()
        .into_iter()
        .find(|c| c.id == gone)
        .unwrap()
        .full_name;
    assert!(
        kiosk
            .members()
            .grid()
            .unwrap()
            .iter()
            .any(|t| t.member_id == gone)
    );
    sim.update_coworker(
        gone,
        &nexudus_sim::CoworkerPatch {
            archived: Some(true),
            ..Default::default()
        },
    );
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert!(
        !kiosk
            .members()
            .grid()
            .unwrap()
            .iter()
            .any(|t| t.member_id == gone),
        "off the grid"
    );
    assert!(
        !kiosk
            .members()
            .search(&name, 50)
            .unwrap()
            .iter()
            .any(|t| t.member_id == gone),
        "and out of search"
    );
    assert!(matches!(
        kiosk.members().tap(gone),
        Err(kiosk::KioskError::UnknownMember(_))
    ));
}

/// Nexudus keeps plans as contracts, not on the customer: a member with an active contract
/// checks in with its name recorded, one with none (or only a cancelled one) is refused, and a
/// contract staff add upstream counts at the next pull.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_come_from_contracts() {
    let (sim, _dir, kiosk) = scenarios::loaded_kiosk(800, nexudus::Limits::unlimited()).await;
    let contracts = sim.contracts();
    let passes = sim.passes();
    let here: Vec<_> = sim
        .coworkers()
        .into_iter()
        .filter(|c| c.active && c.invoicing_business_id == HOME)
        .collect();
    let with = here
        .iter()
        .find(|c| contracts.iter().any(|k| k.coworker_id == c.id && k.active))
        .expect("a member with a plan");
    let cancelled_only = here
        .iter()
        .find(|c| {
            let mine: Vec<_> = contracts.iter().filter(|k| k.coworker_id == c.id).collect();
            !mine.is_empty()
                && mine.iter().all(|k| !k.active)
                && !passes.iter().any(|p| p.coworker_id == c.id)
        })
        .expect("a member whose only contract was cancelled, without a pass");
    assert!(matches!(
        kiosk.members().tap(with.id).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    assert!(matches!(
        kiosk.members().tap(cancelled_only.id).unwrap(),
        TapOutcome::Rejected {
            reason: kiosk::domain::rules::Refusal::NoPlan,
            ..
        }
    ));
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    let record = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(with.id))
        .expect("the check-in arrived");
    assert!(
        record.tariff_at_the_time_of_checkin.is_some(),
        "its plan is recorded with it"
    );

    // Staff sell the refused member a plan upstream.
    sim.update_coworker(
        cancelled_only.id,
        &nexudus_sim::CoworkerPatch {
            tariff_name: Some(Some("Hot Desk".into())),
            ..Default::default()
        },
    );
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    assert!(matches!(
        kiosk.members().tap(cancelled_only.id).unwrap(),
        TapOutcome::Welcome { .. }
    ));
}

/// Issue 10, failure 2: Nexudus gives a member's PIN only in the one-record read (list answers
/// are projections, batch answers leave it out), and the old kiosk took PINs from the list: no
/// PIN worked. Now a PIN works online at once (looked up with the documented filter), offline
/// once the background fill has read its member, and a partial answer never wipes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_work_online_at_once_and_offline_once_the_fill_has_read_the_member() {
    let (sim, _dir, kiosk) = scenarios::loaded_kiosk(300, nexudus::Limits::unlimited()).await;
    let eligible = scenarios::eligible(&sim);
    let with_pin: Vec<_> = sim
        .coworkers()
        .into_iter()
        .filter(|c| {
            eligible.contains(&c.id) && c.access_pincode.is_some() && c.company_name.is_some()
        })
        .take(2)
        .collect();
    let (first, second) = (&with_pin[0], &with_pin[1]);
    let pin = |c: &nexudus_sim::records::Coworker| c.access_pincode.clone().unwrap();

    // Online: the first PIN is looked up (the filter, then the candidates' whole records).
    let before = sim.requests().len();
    assert!(
        matches!(kiosk.members().tap_pin(&pin(first)).await.unwrap(), TapOutcome::Welcome { member_id, .. } if member_id == first.id),
        "a PIN works online from the first load"
    );
    let lookups = sim.requests()[before..]
        .iter()
        .filter(|r| r.query.contains("Coworker_AccessPincode"))
        .count();
    assert_eq!(lookups, 1, "one filtered list read");

    // Offline, a PIN whose member was never read whole is not known yet.
    sim.set_outage(true);
    assert!(matches!(
        kiosk.members().tap_pin(&pin(second)).await,
        Err(kiosk::KioskError::UnknownPin)
    ));
    sim.set_outage(false);
    kiosk.account().sync_once(&scenarios::fast_sync()).await;

    // The fill reads every member whole; then every PIN works offline, companies are searchable.
    let status = kiosk.account().sync_once(&scenarios::filling(1000)).await;
    assert_eq!(status.pending, 0);
    sim.set_outage(true);
    assert!(
        matches!(kiosk.members().tap_pin(&pin(second)).await.unwrap(), TapOutcome::Welcome { member_id, .. } if member_id == second.id),
        "offline, once the fill has read the member"
    );
    let company = second.company_name.clone().unwrap();
    assert!(
        kiosk
            .members()
            .search(&company, 200)
            .unwrap()
            .iter()
            .any(|t| t.member_id == second.id),
        "found by company, which only whole records carry by default"
    );
    sim.set_outage(false);

    // A change upstream brings the member through the list and the batch read again: both
    // partial, neither wipes the PIN.
    sim.update_coworker(
        second.id,
        &nexudus_sim::CoworkerPatch {
            teams: Some(vec![]),
            ..Default::default()
        },
    );
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    sim.set_outage(true);
    assert!(
        matches!(
            kiosk.members().tap_pin(&pin(second)).await.unwrap(),
            TapOutcome::Goodbye { .. }
        ),
        "the PIN still works after the delta"
    );
    sim.set_outage(false);

    // Staff remove the PIN upstream: the fill reads the changed member again and forgets it.
    sim.update_coworker(
        second.id,
        &nexudus_sim::CoworkerPatch {
            access_pincode: Some(None),
            ..Default::default()
        },
    );
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::filling(1000)).await;
    sim.set_outage(true);
    assert!(
        matches!(
            kiosk.members().tap_pin(&pin(second)).await,
            Err(kiosk::KioskError::UnknownPin)
        ),
        "a PIN removed in Nexudus stops working"
    );
}

/// Whether `Coworker_AccessPincode` matches the whole PIN or any PIN containing it is not
/// documented (the simulator's default is "contains"): the kiosk compares the whole records, so a
/// PIN inside another member's longer PIN still finds its own member, and only theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_inside_another_members_pin_finds_its_own_member() {
    let (sim, _dir, kiosk) = scenarios::loaded_kiosk(200, nexudus::Limits::unlimited()).await;
    let eligible = scenarios::eligible(&sim);
    let members: Vec<_> = sim
        .coworkers()
        .into_iter()
        .filter(|c| eligible.contains(&c.id) && c.access_pincode.is_some())
        .take(2)
        .collect();
    let (own, other) = (&members[0], &members[1]);
    let pin = own.access_pincode.clone().unwrap();
    sim.update_coworker(
        other.id,
        &nexudus_sim::CoworkerPatch {
            access_pincode: Some(Some(format!("9{pin}"))),
            ..Default::default()
        },
    );
    assert!(
        matches!(kiosk.members().tap_pin(&pin).await.unwrap(), TapOutcome::Welcome { member_id, .. } if member_id == own.id),
        "the member whose PIN it is, not the one whose PIN contains it"
    );
    assert!(
        matches!(
            kiosk.members().tap_pin(&pin[..3]).await,
            Err(kiosk::KioskError::UnknownPin)
        ),
        "a part of a PIN is no PIN"
    );
}
