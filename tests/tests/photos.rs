//! Member photos (issue 27, point 4): fetched by the kiosk from the operator's photo address,
//! lazily and a few at a time, kept on disk within a bound, fetched again only when the member's
//! record changed, and shown from the disk with the host gone. The host is a real HTTP server
//! on a real socket that counts what it is asked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use kiosk::{Kiosk, Settings};
use nexudus::Limits;
use nexudus_sim::CoworkerPatch;
use scenarios::{STAFF_PIN, connect, eligible, kiosk_config, quiet_sim};

/// How the host answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Photo,
    Missing,
    Busy,
    Page,
}

#[derive(Clone)]
struct Host {
    asked: Arc<Mutex<HashMap<i64, usize>>>,
    answer: Arc<Mutex<Answer>>,
}

impl Host {
    fn asked(&self, member: i64) -> usize {
        self.asked
            .lock()
            .unwrap()
            .get(&member)
            .copied()
            .unwrap_or(0)
    }
    fn total(&self) -> usize {
        self.asked.lock().unwrap().values().sum()
    }
    fn answer(&self, a: Answer) {
        *self.answer.lock().unwrap() = a;
    }
}

/// A JPEG's signature and `size` bytes in all: what the kiosk checks an image by.
fn jpeg(member: i64, size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(member.to_le_bytes());
    bytes.resize(size, 0x42);
    bytes
}

async fn photo(State(host): State<Host>, Path(file): Path<String>) -> impl IntoResponse {
    let member: i64 = file.trim_end_matches(".jpg").parse().unwrap_or(0);
    *host.asked.lock().unwrap().entry(member).or_default() += 1;
    let mut headers = HeaderMap::new();
    match *host.answer.lock().unwrap() {
        Answer::Photo => {
            headers.insert(header::CONTENT_TYPE, "image/jpeg".parse().unwrap());
            (StatusCode::OK, headers, jpeg(member, 10_000))
        }
        Answer::Missing => (StatusCode::NOT_FOUND, headers, Vec::new()),
        Answer::Busy => {
            headers.insert(header::RETRY_AFTER, "120".parse().unwrap());
            (StatusCode::TOO_MANY_REQUESTS, headers, Vec::new())
        }
        // A login page where a photo was expected: it must never reach a screen.
        Answer::Page => {
            headers.insert(header::CONTENT_TYPE, "image/jpeg".parse().unwrap());
            (
                StatusCode::OK,
                headers,
                b"<html><script>alert(1)</script>".to_vec(),
            )
        }
    }
}

/// Starts the photo host; answers it and its address template.
async fn photo_host() -> (Host, String, tokio::task::JoinHandle<()>) {
    let host = Host {
        asked: Arc::default(),
        answer: Arc::new(Mutex::new(Answer::Photo)),
    };
    let app = axum::Router::new()
        .route("/photos/{file}", axum::routing::get(photo))
        .with_state(host.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (host, format!("http://{addr}/photos/{{id}}.jpg"), server)
}

fn photos_on(kiosk: &Kiosk, template: &str) {
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let settings = Settings {
        photo_url: Some(template.to_owned()),
        ..kiosk.account().settings()
    };
    kiosk.account().update_settings(&staff, settings).unwrap();
}

fn open(dir: &std::path::Path, cache_bytes: u64) -> Kiosk {
    Kiosk::open(kiosk::KioskConfig {
        photo_cache_bytes: cache_bytes,
        ..kiosk_config(dir, Limits::unlimited())
    })
    .unwrap()
}

/// A kiosk on `dir` with photos kept within `cache_bytes`, logged in to `sim` with its members
/// loaded, and photos switched on at a host of its own.
async fn photo_kiosk(
    sim: &nexudus_sim::SimHandle,
    dir: &std::path::Path,
    cache_bytes: u64,
) -> (Kiosk, Host, tokio::task::JoinHandle<()>) {
    let kiosk = open(dir, cache_bytes);
    connect(&kiosk, sim).await;
    let (host, template, server) = photo_host().await;
    photos_on(&kiosk, &template);
    (kiosk, host, server)
}

fn photo_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("photos"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_fetched_once_kept_on_disk_and_shown_with_the_host_gone_and_after_a_restart() {
    let sim = quiet_sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open(dir.path(), kiosk::PHOTO_CACHE_BYTES);
    connect(&kiosk, &sim).await;
    let member = eligible(&sim)[0];
    assert_eq!(
        kiosk.photos().photo(member).await.unwrap(),
        None,
        "photos are off by default"
    );
    let (host, template, server) = photo_host().await;
    assert_eq!(host.total(), 0, "off: nothing asked");
    photos_on(&kiosk, &template);

    let shown = kiosk
        .photos()
        .photo(member)
        .await
        .unwrap()
        .expect("a photo");
    assert!(
        shown.starts_with("data:image/jpeg;base64,"),
        "{}",
        &shown[..40]
    );
    assert_eq!(
        kiosk.photos().photo(member).await.unwrap(),
        Some(shown.clone())
    );
    assert_eq!(host.asked(member), 1, "asked once, then read from the disk");

    // The host gone (offline, or the operator's server down): the kept photo still shows.
    server.abort();
    let _ = server.await;
    assert_eq!(
        kiosk.photos().photo(member).await.unwrap(),
        Some(shown.clone())
    );
    drop(kiosk);
    let again = open(dir.path(), kiosk::PHOTO_CACHE_BYTES);
    assert_eq!(
        again.photos().photo(member).await.unwrap(),
        Some(shown),
        "kept across a restart"
    );
    assert_eq!(host.asked(member), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_fetched_again_when_the_members_record_changed_and_only_then() {
    let sim = quiet_sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    let (kiosk, host, _server) = photo_kiosk(&sim, dir.path(), kiosk::PHOTO_CACHE_BYTES).await;
    let [member, other] = eligible(&sim)[..2] else {
        unreachable!()
    };
    kiosk.photos().photo(member).await.unwrap().unwrap();
    kiosk.photos().photo(other).await.unwrap().unwrap();
    // A sync with nothing changed upstream: nothing fetched again.
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    kiosk.photos().photo(member).await.unwrap().unwrap();
    assert_eq!((host.asked(member), host.asked(other)), (1, 1));

    // Staff change the member in Nexudus (a new picture is a change to the record).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(sim.update_coworker(
        member,
        &CoworkerPatch {
            full_name: Some("Renamed Member".into()),
            ..CoworkerPatch::default()
        }
    ));
    kiosk.account().sync_now();
    kiosk.account().sync_once(&scenarios::fast_sync()).await;
    kiosk.photos().photo(member).await.unwrap().unwrap();
    kiosk.photos().photo(other).await.unwrap().unwrap();
    assert_eq!(
        (host.asked(member), host.asked(other)),
        (2, 1),
        "the changed member's photo is fetched again, the other's is not"
    );
    let files = photo_files(dir.path());
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with(&format!("{member}-")))
            .count(),
        1,
        "the earlier version is gone: {files:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tiles_asking_at_once_cost_the_host_a_burst_and_a_busy_host_is_left_alone() {
    let sim = quiet_sim(200).await;
    let dir = tempfile::tempdir().unwrap();
    let (kiosk, host, _server) = photo_kiosk(&sim, dir.path(), kiosk::PHOTO_CACHE_BYTES).await;
    let members: Vec<i64> = eligible(&sim).into_iter().take(40).collect();
    let started = std::time::Instant::now();
    let mut shown = 0;
    for &m in &members {
        shown += usize::from(kiosk.photos().photo(m).await.unwrap().is_some());
    }
    // The quota refills one fetch every 60 / FETCHES_PER_MINUTE seconds.
    let refilled = (started.elapsed().as_secs_f64() * f64::from(kiosk::PHOTO_FETCHES_PER_MINUTE)
        / 60.0)
        .ceil() as usize;
    let allowed = kiosk::PHOTO_FETCH_BURST as usize + refilled;
    assert!(
        host.total() <= allowed && host.total() >= kiosk::PHOTO_FETCH_BURST as usize,
        "{} fetched for 40 tiles asking (at most {allowed})",
        host.total()
    );
    assert_eq!(shown, host.total(), "the rest show initials until later");

    // A host that says it is busy is not asked again before it said.
    let busy = tempfile::tempdir().unwrap();
    let (kiosk, host, _server) = photo_kiosk(&sim, busy.path(), kiosk::PHOTO_CACHE_BYTES).await;
    host.answer(Answer::Busy);
    for &m in &members[..5] {
        assert_eq!(kiosk.photos().photo(m).await.unwrap(), None);
    }
    assert_eq!(
        host.total(),
        1,
        "one 429 with Retry-After: 120, then nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_or_a_missing_photo_is_no_photo_and_is_not_asked_again_until_the_record_changes() {
    let sim = quiet_sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    let (kiosk, host, _server) = photo_kiosk(&sim, dir.path(), kiosk::PHOTO_CACHE_BYTES).await;
    let [page, missing] = eligible(&sim)[..2] else {
        unreachable!()
    };
    host.answer(Answer::Page);
    assert_eq!(
        kiosk.photos().photo(page).await.unwrap(),
        None,
        "not an image"
    );
    host.answer(Answer::Missing);
    assert_eq!(kiosk.photos().photo(missing).await.unwrap(), None);
    host.answer(Answer::Photo);
    assert_eq!(kiosk.photos().photo(page).await.unwrap(), None);
    assert_eq!(kiosk.photos().photo(missing).await.unwrap(), None);
    assert_eq!(
        (host.asked(page), host.asked(missing)),
        (1, 1),
        "a member without a photo costs one request per version of their record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_photos_on_disk_stay_within_their_bound_and_go_when_photos_are_switched_off() {
    let sim = quiet_sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    // Room for three photos of 10,000 bytes.
    let (kiosk, host, _server) = photo_kiosk(&sim, dir.path(), 30_000).await;
    let members: Vec<i64> = eligible(&sim).into_iter().take(5).collect();
    for &m in &members {
        kiosk.photos().photo(m).await.unwrap().unwrap();
        // Distinct times of use, to the file system's precision.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let files = photo_files(dir.path());
    let kept: Vec<String> = members[2..]
        .iter()
        .map(|m| {
            files
                .iter()
                .find(|f| f.starts_with(&format!("{m}-")))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(files.len(), 3, "within 30,000 bytes: {files:?}");
    assert!(
        kept.iter().all(|k| !k.is_empty()),
        "the three shown last are kept: {files:?}"
    );
    assert_eq!(host.total(), 5);

    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let off = Settings {
        photo_url: None,
        ..kiosk.account().settings()
    };
    kiosk.account().update_settings(&staff, off).unwrap();
    assert!(
        photo_files(dir.path()).is_empty(),
        "switched off: the photos go"
    );
}
