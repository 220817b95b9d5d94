//! Member photos, where the operator switches them on (a photo address in the settings; off by
//! default, for privacy): fetched by the kiosk, lazily (only a tile a screen draws asks), a few
//! a minute whatever the screens ask (five kiosks of 2,000 members must not be throttled by the
//! host), kept on disk within a bound, fetched again only when the member's record changed,
//! and shown from the disk offline. The screens get them from the kiosk as `data:` addresses:
//! no tablet ever contacts the photo host, and nothing but an image reaches a screen.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use tracing::{debug, warn};

use crate::domain::photos::{CacheName, CachedFile, ImageKind, address, evict};
use crate::error::KioskError;
use crate::shared::Shared;

pub use crate::domain::photos::CACHE_BYTES;
/// A larger answer is no photo (a tile is 88 px wide).
pub const PHOTO_BYTES: usize = 512 * 1024;
/// Fetches a minute, whatever the screens ask: a first screen of 50 tiles fills in about two
/// minutes, and five kiosks together send at most 100 a minute.
pub const FETCHES_PER_MINUTE: u32 = 20;
/// At once, after a quiet spell.
pub const FETCH_BURST: u32 = 10;
/// How long the kiosk leaves a host alone that said it is busy (429, 503) without saying
/// for how long.
const BUSY_PAUSE: Duration = Duration::from_mins(1);
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The photo service. Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Photos {
    shared: Arc<Shared>,
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `None` for a kiosk without a data directory (tests): no photos.
    dir: Option<PathBuf>,
    /// The most the kept photos take ([`CACHE_BYTES`] unless configured).
    bound: u64,
    http: reqwest::Client,
    fetches: governor::DefaultDirectRateLimiter,
    /// The host said it is busy: no fetch before then.
    paused_until: Mutex<Option<Instant>>,
    /// Members being fetched now: a second screen asking waits for none of them.
    fetching: Mutex<std::collections::HashSet<i64>>,
}

/// What the photo host answered.
enum Fetched {
    /// The photo, or none for this member (404, 410, an answer that is no image, or too
    /// large): kept either way, until the member's record changes.
    Got(Option<(ImageKind, Vec<u8>)>),
    /// Not now (offline, a timeout, the host busy or failing): asked again later.
    Later,
}

impl Photos {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        let dir = cache_dir(&shared);
        let bound = shared.config.photo_cache_bytes;
        let quota = governor::Quota::per_minute(NonZeroU32::new(FETCHES_PER_MINUTE).expect("> 0"))
            .allow_burst(NonZeroU32::new(FETCH_BURST).expect("> 0"));
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .unwrap_or_default();
        Self {
            shared,
            inner: Arc::new(Inner {
                dir,
                bound,
                http,
                fetches: governor::RateLimiter::direct(quota),
                paused_until: Mutex::new(None),
                fetching: Mutex::default(),
            }),
        }
    }

    /// A member's photo as a `data:` address, or `None`: photos are off, the member has none,
    /// or it is not fetched yet (a later ask may have it). Never an error a screen must show:
    /// a tile without its photo shows initials.
    pub async fn photo(&self, member: i64) -> Result<Option<String>, KioskError> {
        let settings = self.shared.settings();
        let (Some(template), Some(dir)) = (settings.photo_address(), self.inner.dir.as_deref())
        else {
            return Ok(None);
        };
        let Some(m) = self.shared.store.read(|tx| tx.member(member))? else {
            return Ok(None);
        };
        let version = m.updated_on.map_or(0, |t| t.timestamp());
        if let Some(found) = cached(dir, member, version) {
            return Ok(read(dir, &found));
        }
        match self.fetch_once(template, member).await {
            Some(Fetched::Got(image)) => {
                let name = CacheName {
                    member,
                    version,
                    kind: image.as_ref().map(|(kind, _)| *kind),
                };
                let bytes = image.as_ref().map_or(&[][..], |(_, bytes)| bytes);
                self.keep(dir, &name, bytes);
                Ok(image.map(|(kind, bytes)| data_url(kind, &bytes)))
            }
            // Not fetched now: the photo of the record's earlier version, if one is kept, is
            // better than none (offline, or the host busy).
            Some(Fetched::Later) | None => Ok(older(dir, member).and_then(|n| read(dir, &n))),
        }
    }

    /// Fetches one photo, where the rate allows and nobody fetches it already; `None` when
    /// not tried now.
    async fn fetch_once(&self, template: &str, member: i64) -> Option<Fetched> {
        let paused = *self.inner.paused_until.lock().unwrap();
        if paused.is_some_and(|until| Instant::now() < until) {
            return None;
        }
        if !self.inner.fetching.lock().unwrap().insert(member) {
            return None;
        }
        let fetched = if self.inner.fetches.check().is_ok() {
            Some(self.fetch(&address(template, member)).await)
        } else {
            None
        };
        self.inner.fetching.lock().unwrap().remove(&member);
        fetched
    }

    async fn fetch(&self, url: &str) -> Fetched {
        let answer = match self.inner.http.get(url).send().await {
            Ok(a) => a,
            Err(e) => {
                debug!(error = %e, "a photo could not be fetched");
                return Fetched::Later;
            }
        };
        let status = answer.status();
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
            return Fetched::Got(None);
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::SERVICE_UNAVAILABLE
        {
            let wait = nexudus::retry_after_said(answer.headers()).unwrap_or(BUSY_PAUSE);
            *self.inner.paused_until.lock().unwrap() = Some(Instant::now() + wait);
            warn!(
                seconds = wait.as_secs(),
                "the photo host is busy: no photo is fetched for a while"
            );
            return Fetched::Later;
        }
        if !status.is_success() {
            debug!(%status, "the photo host refused a photo");
            return Fetched::Later;
        }
        match read_limited(answer).await {
            Ok(Some(bytes)) => Fetched::Got(ImageKind::sniff(&bytes).map(|kind| (kind, bytes))),
            // Larger than a tile's photo could need: none, until the record changes.
            Ok(None) => Fetched::Got(None),
            Err(e) => {
                debug!(error = %e, "a photo's answer broke off");
                Fetched::Later
            }
        }
    }

    /// Keeps a fetched photo (or the word that there is none), drops the member's earlier
    /// versions, and sheds what the bound does not hold.
    fn keep(&self, dir: &Path, name: &CacheName, bytes: &[u8]) {
        if let Err(e) = write_photo(dir, name, bytes) {
            // A full disk: the photo is shown this once and fetched again later.
            warn!(error = %e, "a photo could not be kept on disk");
            return;
        }
        // One look at the directory: the member's earlier versions go, then what the bound
        // does not hold.
        let (earlier, rest): (Vec<CachedFile>, Vec<CachedFile>) =
            files(dir).into_iter().partition(|f| {
                CacheName::parse(&f.name)
                    .is_some_and(|n| n.member == name.member && n.version != name.version)
            });
        for gone in earlier.iter().chain(evict(&rest, self.inner.bound)) {
            let _ = std::fs::remove_file(dir.join(&gone.name));
        }
    }
}

fn cache_dir(shared: &Shared) -> Option<PathBuf> {
    shared.config.data_dir.as_ref().map(|d| d.join("photos"))
}

/// Deletes every kept photo: the operator switched photos off (privacy).
pub(crate) fn forget(shared: &Shared) {
    if let Some(dir) = cache_dir(shared)
        && let Err(e) = std::fs::remove_dir_all(&dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        warn!(error = %e, "the photo cache could not be deleted");
    }
}

/// The cached file of this member and version, if there is one.
fn cached(dir: &Path, member: i64, version: i64) -> Option<CacheName> {
    CacheName::candidates(member, version).find(|n| dir.join(n.file_name()).exists())
}

/// A photo kept for an earlier version of the member's record (names only: no file is
/// opened or measured).
fn older(dir: &Path, member: i64) -> Option<CacheName> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| CacheName::parse(e.file_name().to_str()?))
        .filter(|n| n.member == member)
        .max_by_key(|n| n.version)
}

/// Reads a kept photo and marks it shown now (the eviction keeps what is shown); `None` for
/// the word that there is none.
fn read(dir: &Path, name: &CacheName) -> Option<String> {
    let kind = name.kind?;
    let path = dir.join(name.file_name());
    let bytes = std::fs::read(&path).ok()?;
    // A file changed on disk behind the kiosk's back is no photo.
    if ImageKind::sniff(&bytes) != Some(kind) {
        return None;
    }
    if let Ok(f) = std::fs::File::options().append(true).open(&path) {
        let _ = f.set_modified(SystemTime::now());
    }
    Some(data_url(kind, &bytes))
}

fn data_url(kind: ImageKind, bytes: &[u8]) -> String {
    format!(
        "data:{};base64,{}",
        kind.mime(),
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Written whole or not at all: a kiosk killed mid-write leaves a `.tmp` file, never half a
/// photo under a photo's name.
fn write_photo(dir: &Path, name: &CacheName, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!("{}.tmp", name.file_name()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(name.file_name()))
}

/// The photo files in the cache, with their sizes and when they were last shown.
fn files(dir: &Path) -> Vec<CachedFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some(CachedFile {
                name: e.file_name().into_string().ok()?,
                bytes: meta.len(),
                used: meta.modified().ok()?,
            })
        })
        .collect()
}

/// The answer's body, or `None` when it is larger than [`PHOTO_BYTES`] (read no further).
async fn read_limited(mut answer: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if answer
        .content_length()
        .is_some_and(|n| n > PHOTO_BYTES as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        if body.len() + chunk.len() > PHOTO_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}
