//! The client against the simulator on a real loopback socket: every endpoint, auth, roles,
//! throttling and each fault kind, as the kiosk will meet them.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as Span, NaiveDate, TimeZone, Utc};
use futures::TryStreamExt;
use nexudus::{
    ApiError, CheckinQuery, CheckinWrite, Client, ClientConfig, CoworkerQuery, FailedCheckinWrite,
    Limits, LoginError, MemoryTokenStore, Paging, Rate, Secret, SortDirection, Source,
};
use nexudus_sim::{
    CoworkerPatch, DEMO_EMAIL, DEMO_PASSWORD, Faults, SimConfig, SimHandle, Simulator,
    ThrottleConfig, Window,
};

const HOME: i64 = 1001;

async fn sim(members: usize) -> SimHandle {
    Simulator::start(SimConfig::quiet(members)).await.unwrap()
}

/// A simulator that stores every field a client sends (`Source`, `SystemId`), as older pages
/// say; its default drops both, the restrictive reading of an open point.
async fn sim_storing_everything(members: usize) -> SimHandle {
    let sim = sim(members).await;
    sim.set_switches(nexudus_sim::Switches {
        stores_source: true,
        stores_system_id: true,
        ..nexudus_sim::Switches::default()
    });
    sim
}

fn config(sim: &SimHandle, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new(&sim.base_url()).unwrap();
    c.client_id = Some(client_id.into());
    c.limits = Limits::unlimited();
    c.timeout = Duration::from_secs(5);
    c
}

async fn client_with(sim: &SimHandle, cfg: ClientConfig) -> Client {
    let client = Client::new(cfg, Arc::new(MemoryTokenStore::default())).unwrap();
    client
        .login(DEMO_EMAIL, &Secret::new(DEMO_PASSWORD), None)
        .await
        .unwrap();
    let _ = sim;
    client
}

async fn client(sim: &SimHandle) -> Client {
    client_with(sim, config(sim, "kiosk-a")).await
}

fn tap(coworker: i64, at: chrono::DateTime<Utc>) -> CheckinWrite {
    let mut c = CheckinWrite::new(HOME, at);
    c.coworker_id = Some(coworker);
    c.source = Source::Tile;
    c
}

#[tokio::test]
async fn a_check_in_round_trips_with_every_field() {
    let sim = sim_storing_everything(50).await;
    // The server's day is that check-in's day, before its 23:30 cut-off closes what is open.
    sim.set_clock_offset(Utc.with_ymd_and_hms(2025, 7, 1, 12, 0, 0).unwrap() - Utc::now());
    let api = client(&sim).await;
    let from = Utc.with_ymd_and_hms(2025, 7, 1, 8, 15, 0).unwrap();
    let mut w = tap(100_003, from);
    w.from_time_local = Some(
        NaiveDate::from_ymd_opt(2025, 7, 1)
            .unwrap()
            .and_hms_opt(9, 15, 0)
            .unwrap(),
    );
    w.auto_checkout = Some(true);
    w.teams_at_the_time_of_checkin = Some("Design Guild, Remote Crew".into());
    w.tariff_at_the_time_of_checkin = Some("Hot Desk".into());
    w.system_id = Some("0190a7e2-kiosk".into());
    let id = api.create_checkin(&w).await.unwrap();

    let stored = sim.checkins();
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert_eq!(
        (s.id, s.source, s.coworker_id, s.from_time),
        (id, 4, Some(100_003), from),
        "Source 4 = Tile"
    );
    assert_eq!(s.auto_checkout, Some(true));
    assert_eq!(
        s.teams_at_the_time_of_checkin.as_deref(),
        Some("Design Guild, Remote Crew")
    );
    assert_eq!(s.tariff_at_the_time_of_checkin.as_deref(), Some("Hot Desk"));
    assert_eq!(s.system_id.as_deref(), Some("0190a7e2-kiosk"));
    assert_eq!(
        s.from_time_local.unwrap().to_string(),
        "2025-07-01 09:15:00",
        "the local time is kept as sent"
    );

    let read = api.checkin(id).await.unwrap();
    assert_eq!(read.business_name.as_deref(), Some("Shoreditch Hub"));
    assert!(
        read.coworker_full_name.is_some() && read.unique_id.is_some() && read.created_on.is_some()
    );
    assert_eq!(read.to_time, None, "open until checked out");

    // Check out: a PUT of the whole record with ToTime.
    let mut out = CheckinWrite::from(&read);
    out.to_time = Some(from + Span::hours(3));
    assert_eq!(api.update_checkin(&out).await.unwrap(), id);
    let closed = api.checkin(id).await.unwrap();
    assert_eq!(closed.to_time, Some(from + Span::hours(3)));
    assert_eq!(
        closed.system_id, read.system_id,
        "a whole-record PUT keeps every field"
    );
    assert_eq!(
        closed.tariff_at_the_time_of_checkin,
        read.tariff_at_the_time_of_checkin
    );
    assert_eq!(
        closed.to_time_local.unwrap().to_string(),
        "2025-07-01 12:15:00",
        "London summer time, filled in by the server"
    );

    api.delete_checkin(id).await.unwrap();
    assert!(matches!(
        api.checkin(id).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn check_ins_are_found_by_system_id_and_by_member_and_time_window() {
    let sim = sim_storing_everything(50).await;
    let api = client(&sim).await;
    let t = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 42).unwrap();
    let mut a = tap(100_001, t);
    a.system_id = Some("sys-a".into());
    let a_id = api.create_checkin(&a).await.unwrap();
    let b_id = api
        .create_checkin(&tap(100_001, t + Span::hours(2)))
        .await
        .unwrap();
    api.create_checkin(&tap(100_002, t)).await.unwrap();

    let by_system: Vec<_> = api
        .checkins(CheckinQuery {
            system_id: Some("sys-a".into()),
            ..CheckinQuery::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        by_system.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![a_id]
    );

    // A window of a minute around the kiosk's own FromTime finds the record despite the
    // minute-precision filters.
    let window = CheckinQuery {
        coworker_id: Some(100_001),
        from_time_after: Some(t - Span::seconds(30)),
        from_time_before: Some(t + Span::seconds(30)),
        ..CheckinQuery::default()
    };
    let found: Vec<_> = api.checkins(window).try_collect().await.unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a_id]);

    let newest_first = CheckinQuery {
        coworker_id: Some(100_001),
        paging: Paging {
            size: 1,
            order_by: Some("FromTime".into()),
            dir: Some(SortDirection::Descending),
        },
        ..CheckinQuery::default()
    };
    let page = api.checkins_page(&newest_first, 1).await.unwrap();
    assert_eq!(
        (page.records[0].id, page.total_items, page.has_next_page),
        (b_id, 2, true)
    );
    let by_source = CheckinQuery {
        source: Some(Source::Manual),
        ..CheckinQuery::default()
    };
    assert!(
        api.checkins_page(&by_source, 1)
            .await
            .unwrap()
            .records
            .is_empty()
    );
}

#[tokio::test]
async fn members_page_across_many_pages_and_filter_and_delta() {
    let sim = sim(2_345).await;
    let api = client(&sim).await;
    let query = CoworkerQuery {
        paging: Paging {
            size: 100,
            ..Paging::default()
        },
        ..CoworkerQuery::default()
    };
    let pages: Vec<_> = api.coworker_pages(query).try_collect().await.unwrap();
    assert_eq!(pages.len(), 24, "2,345 members at 100 a page");
    let all: Vec<_> = pages.into_iter().flat_map(|p| p.records).collect();
    let expected: Vec<i64> = sim.coworkers().iter().map(|c| c.id).collect();
    assert_eq!(
        all.iter().map(|c| c.id).collect::<Vec<_>>(),
        expected,
        "every member once, in Id order"
    );
    assert!(
        all.iter()
            .all(|c| c.teams.is_none() && c.businesses.is_none()),
        "left out of list answers"
    );

    let inactive: Vec<_> = api
        .coworkers(CoworkerQuery {
            active: Some(false),
            ..CoworkerQuery::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        inactive.len(),
        sim.coworkers().iter().filter(|c| !c.active).count()
    );
    assert!(!inactive.is_empty() && inactive.iter().all(|c| !c.active));

    let one = api.coworker(all[0].id).await.unwrap();
    assert!(
        one.businesses.as_ref().is_some_and(|b| !b.is_empty()),
        "present on one-record answers"
    );

    // Delta: nothing changed since now -> one request, no records; a change upstream shows.
    let since = Utc::now();
    let before = sim.requests().len();
    let none: Vec<_> = api
        .coworkers(CoworkerQuery {
            updated_since: Some(since),
            ..CoworkerQuery::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(
        sim.requests().len() - before,
        1,
        "an empty delta costs exactly one request"
    );
    assert!(sim.update_coworker(
        100_007,
        &CoworkerPatch {
            active: Some(false),
            ..CoworkerPatch::default()
        }
    ));
    let changed: Vec<_> = api
        .coworkers(CoworkerQuery {
            updated_since: Some(since),
            ..CoworkerQuery::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        changed.iter().map(|c| (c.id, c.active)).collect::<Vec<_>>(),
        vec![(100_007, false)]
    );
}

#[tokio::test]
async fn failed_check_ins_are_created_read_and_updated() {
    let sim = sim(20).await;
    let api = client(&sim).await;
    let mut f = FailedCheckinWrite::new(HOME, Utc.with_ymd_and_hms(2025, 2, 2, 7, 0, 0).unwrap());
    f.coworker_id = Some(100_002);
    f.source = Source::Tile;
    f.description = Some("Membership inactive".into());
    let id = api.create_failed_checkin(&f).await.unwrap();
    let read = api.failed_checkin(id).await.unwrap();
    assert_eq!(read.description.as_deref(), Some("Membership inactive"));
    assert_eq!(read.source, Source::Tile);
    assert_eq!(read.business_name.as_deref(), Some("Shoreditch Hub"));
    let mut edit = FailedCheckinWrite::from(&read);
    edit.description = Some("Membership inactive (seen by staff)".into());
    api.update_failed_checkin(&edit).await.unwrap();
    assert_eq!(
        sim.failed_checkins()[0].description.as_deref(),
        Some("Membership inactive (seen by staff)")
    );
}

#[tokio::test]
async fn refusals_are_validation_errors_whatever_their_status() {
    let sim = sim(20).await;
    let api = client(&sim).await;
    let mut unknown_place = tap(100_001, Utc::now());
    unknown_place.business_id = 999;
    match api.create_checkin(&unknown_place).await.unwrap_err() {
        ApiError::Validation {
            status: 400,
            errors,
            ..
        } => assert_eq!(errors[0].property_name, "BusinessId"),
        other => panic!("{other:?}"),
    }
    match api.create_checkin(&tap(42, Utc::now())).await.unwrap_err() {
        ApiError::Validation {
            status: 200,
            errors,
            ..
        } => assert_eq!(errors[0].property_name, "CoworkerId"),
        other => panic!("a 200 with WasSuccessful false is a refusal: {other:?}"),
    }
    let mut ghost = tap(100_001, Utc::now());
    ghost.id = Some(5);
    assert!(
        matches!(
            api.update_checkin(&ghost).await,
            Err(ApiError::Validation { .. })
        ),
        "a PUT of an unknown Id is refused"
    );
    assert!(sim.checkins().is_empty(), "nothing refused was stored");
}

#[tokio::test]
async fn logins_are_refused_for_each_documented_reason() {
    let sim = sim(5).await;
    let api = Client::new(config(&sim, "k"), Arc::new(MemoryTokenStore::default())).unwrap();
    let e = api
        .login(DEMO_EMAIL, &Secret::new("wrong"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Login(LoginError::InvalidGrant(_))),
        "{e:?}"
    );
    let e = api
        .login(
            "twofactor@demo.nexudus-sim.local",
            &Secret::new("twofactor"),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Login(LoginError::TwoFactorRequired)),
        "{e:?}"
    );
    api.login(
        "twofactor@demo.nexudus-sim.local",
        &Secret::new("twofactor"),
        Some("123456"),
    )
    .await
    .unwrap();
    let e = api
        .login("reset@demo.nexudus-sim.local", &Secret::new("reset"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Login(LoginError::MustResetPassword)),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_missing_role_is_forbidden() {
    let sim = sim(5).await;
    let api = Client::new(config(&sim, "k"), Arc::new(MemoryTokenStore::default())).unwrap();
    api.login(
        "reader@demo.nexudus-sim.local",
        &Secret::new("reader"),
        None,
    )
    .await
    .unwrap();
    assert!(api.coworker(100_001).await.is_ok(), "the reader may read");
    let e = api
        .create_checkin(&tap(100_001, Utc::now()))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Forbidden { message, .. } if message.contains("Checkin-Create")),
        "{e:?}"
    );
    assert!(!e.is_transient());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_a_revoked_session_needs_login() {
    let sim = sim(5).await;
    let api = client(&sim).await;
    sim.expire_access_tokens();
    api.create_checkin(&tap(100_001, Utc::now()))
        .await
        .expect("refreshed once, retried once");
    assert_eq!(sim.checkins().len(), 1);
    let refreshes = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/api/token")
        .count();
    assert_eq!(refreshes, 2, "the login and one refresh");

    sim.revoke_tokens(None);
    let e = api
        .create_checkin(&tap(100_001, Utc::now()))
        .await
        .unwrap_err();
    assert!(e.needs_login(), "{e:?}");
    assert!(!api.has_session().await, "the dead session is forgotten");
    api.login(DEMO_EMAIL, &Secret::new(DEMO_PASSWORD), None)
        .await
        .unwrap();
    api.create_checkin(&tap(100_001, Utc::now()))
        .await
        .expect("works again after a new login");
}

#[tokio::test]
async fn kiosks_with_their_own_client_id_do_not_log_each_other_out() {
    let sim = sim(5).await;
    let short = || {
        let mut c = config(&sim, "shared-id");
        c.timeout = Duration::from_secs(5);
        c
    };
    let a = client_with(&sim, short()).await;
    let b = client_with(&sim, short()).await; // same client_id: A's refresh token dies
    let c = client_with(&sim, config(&sim, "kiosk-c")).await; // its own client_id
    sim.expire_access_tokens();
    assert!(
        a.coworker(100_001).await.unwrap_err().needs_login(),
        "A was logged out by B's login"
    );
    assert!(b.coworker(100_001).await.is_ok());
    assert!(
        c.coworker(100_001).await.is_ok(),
        "a kiosk with its own client_id is untouched"
    );
}

#[tokio::test]
async fn the_server_throttles_a_burst_and_the_client_limiter_prevents_it() {
    let sim = sim(5).await;
    // A window long enough that 30 writes fall into it however slow the machine is.
    sim.set_throttle(ThrottleConfig {
        enabled: true,
        writes: vec![Window {
            limit: 20,
            seconds: 60.0,
        }],
        all: vec![],
    });
    // Without a client limiter a burst gets 409s with Retry-After.
    let raw = client(&sim).await;
    let mut throttled = 0;
    for _ in 0..30 {
        match raw.create_checkin(&tap(100_001, Utc::now())).await {
            Ok(_) => {}
            Err(ApiError::Throttled {
                status: 409,
                retry_after,
            }) => {
                assert_eq!(retry_after, Duration::from_secs(1));
                throttled += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(
        throttled >= 10,
        "at most 20 of 30 fit the window, {throttled} throttled"
    );

    // With the client's limiter at the server's limit, none is (a slow machine only spaces the
    // writes further apart).
    sim.set_throttle(ThrottleConfig {
        enabled: true,
        writes: vec![Window {
            limit: 20,
            seconds: 1.0,
        }],
        all: vec![],
    });
    let mut cfg = config(&sim, "kiosk-b");
    cfg.limits = Limits {
        writes: vec![Rate::spread(20, Duration::from_secs(1))],
        all: vec![],
        max_wait: Duration::from_secs(5),
        jitter: Duration::ZERO,
    };
    let limited = client_with(&sim, cfg).await;
    let before = sim.requests().len();
    for _ in 0..50 {
        limited
            .create_checkin(&tap(100_001, Utc::now()))
            .await
            .expect("never throttled");
    }
    let statuses: Vec<u16> = sim.requests()[before..].iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| *s == 200),
        "no 409 reached the client: {statuses:?}"
    );
}

#[tokio::test]
async fn each_fault_kind_gives_its_error_class() {
    let sim = sim(5).await;
    let mut cfg = config(&sim, "k");
    cfg.timeout = Duration::from_millis(300);
    let api = client_with(&sim, cfg).await;

    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let e = api
        .create_checkin(&tap(100_001, Utc::now()))
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::ConnectionLost(_)) && e.outcome_unknown(),
        "{e:?}"
    );
    assert_eq!(
        sim.checkins().len(),
        1,
        "a dropped answer hides a committed write: the lost-response case"
    );

    sim.set_faults(Faults {
        reset_rate: 1.0,
        ..Faults::default()
    });
    let e = api
        .create_checkin(&tap(100_001, Utc::now()))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::ConnectionLost(_)), "{e:?}");
    assert_eq!(sim.checkins().len(), 1, "a reset comes before processing");

    sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let e = api
        .create_checkin(&tap(100_001, Utc::now()))
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Server { status: 500, .. }) && e.outcome_unknown(),
        "{e:?}"
    );

    sim.set_faults(Faults {
        malformed_rate: 1.0,
        ..Faults::default()
    });
    let e = api.coworker(100_001).await.unwrap_err();
    assert!(
        matches!(e, ApiError::Malformed { status: 200, .. }),
        "{e:?}"
    );

    sim.set_faults(Faults {
        latency_ms: 1_000,
        ..Faults::default()
    });
    let e = api.coworker(100_001).await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout(_)), "{e:?}");

    sim.set_faults(Faults::default());
    api.create_checkin(&tap(100_001, Utc::now()))
        .await
        .expect("healthy again");
}

#[tokio::test]
async fn a_stopped_simulator_is_offline() {
    let sim = sim(5).await;
    let api = client(&sim).await;
    sim.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let e = api.coworker(100_001).await.unwrap_err();
    assert!(e.is_transient() && !e.outcome_unknown(), "{e:?}");
}

#[tokio::test]
async fn locations_and_teams_are_read_for_the_picker_and_the_records() {
    let sim = sim(5).await;
    let api = client(&sim).await;
    let places: Vec<nexudus::Business> = api.businesses().try_collect().await.unwrap();
    assert_eq!(places.len(), 4);
    let zones: Vec<nexudus::SimpleTimeZone> = api.simple_time_zones().try_collect().await.unwrap();
    let zone_of = |b: &nexudus::Business| {
        zones
            .iter()
            .find(|z| Some(z.id) == b.simple_time_zone_id)
            .and_then(|z| z.iana())
    };
    assert_eq!(
        places.iter().map(zone_of).collect::<Vec<_>>(),
        [
            Some(chrono_tz::Europe::London),
            // Lisbon shares London's Windows zone; CLDR names London for it (same clock).
            Some(chrono_tz::Europe::London),
            Some(chrono_tz::America::New_York),
            Some(chrono_tz::Australia::Sydney),
        ],
        "each location's Windows zone maps to an IANA one"
    );
    let teams: Vec<nexudus::Team> = api.teams().try_collect().await.unwrap();
    assert!(teams.iter().any(|t| t.name == "Design Guild"));
}

#[tokio::test]
async fn members_come_in_batches_and_failed_check_ins_are_searchable() {
    let sim = sim(30).await;
    let api = client(&sim).await;
    let batch = api
        .coworkers_by_ids(&[100_003, 100_001, 999])
        .await
        .unwrap();
    assert_eq!(
        batch.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![100_003, 100_001],
        "unknown Ids left out"
    );
    assert!(
        batch
            .iter()
            .all(|c| c.teams.is_some() && c.businesses.is_some()),
        "whole records"
    );
    assert!(api.coworkers_by_ids(&[]).await.unwrap().is_empty());

    let mut f = FailedCheckinWrite::new(HOME, Utc::now());
    f.system_id = Some("fail-1".into());
    let id = api.create_failed_checkin(&f).await.unwrap();
    api.create_failed_checkin(&FailedCheckinWrite::new(HOME, Utc::now()))
        .await
        .unwrap();
    let q = nexudus::FailedCheckinQuery {
        system_id: Some("fail-1".into()),
        ..Default::default()
    };
    let found: Vec<_> = api.failed_checkins(q).try_collect().await.unwrap();
    assert_eq!(found.iter().map(|f| f.id).collect::<Vec<_>>(), vec![id]);
}
