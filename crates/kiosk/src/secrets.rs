//! Secrets kept outside SQLite: the refresh token and the device key that hashes member PINs
//! and card numbers. The OS keyring where a keyring service runs; otherwise a file readable by
//! the kiosk's user only (0600) in the data directory, with a warning in the log.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use nexudus::{Secret, StoredAccess, TokenStore, auth::StoreError};
use sha2::Sha256;
use tracing::warn;

use crate::error::SecretsError;

const SERVICE: &str = "nexudus-kiosk";
/// The file a renewed refresh token is staged in, in the data directory.
const STAGED_FILE: &str = "session.staged";
const STAGED_HEADER: &str = "kiosk-staged-v1";

#[derive(Debug)]
enum Backend {
    Keyring { account_prefix: String },
    File(PathBuf),
    Memory(Mutex<BTreeMap<String, String>>),
}

/// Where the kiosk keeps its secrets.
#[derive(Debug)]
pub struct SecretStore {
    backend: Backend,
}

fn keyring_error(e: &keyring::Error) -> SecretsError {
    SecretsError::Keyring(e.to_string())
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> SecretsError {
    SecretsError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

impl SecretStore {
    /// The OS keyring if one answers, else a 0600 file in `data_dir`.
    pub fn open(data_dir: &Path) -> Self {
        // One kiosk per data directory: name its entries after the directory.
        let account_prefix = format!("{}", data_dir.display());
        match keyring::Entry::new(SERVICE, &format!("{account_prefix}/probe"))
            .and_then(|e| e.get_password())
        {
            Ok(_) | Err(keyring::Error::NoEntry) => Self {
                backend: Backend::Keyring { account_prefix },
            },
            Err(e) => {
                warn!(
                    reason = %e,
                    "no OS keyring service answers; keeping secrets in a file readable only by this user"
                );
                Self::file(data_dir)
            }
        }
    }

    /// Secrets in `data_dir/secrets.json`, mode 0600.
    pub fn file(data_dir: &Path) -> Self {
        Self {
            backend: Backend::File(data_dir.join("secrets.json")),
        }
    }

    /// Secrets that vanish with the process: tests and demo mode.
    pub fn in_memory() -> Self {
        Self {
            backend: Backend::Memory(Mutex::new(BTreeMap::new())),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Keyring { .. } => "keyring",
            Backend::File(_) => "file",
            Backend::Memory(_) => "memory",
        }
    }

    fn read_file(path: &Path) -> Result<BTreeMap<String, String>, SecretsError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SecretsError::Damaged(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(file_error(path, e)),
        }
    }

    /// Reads the file, lets `change` change it (answering whether it did) and writes it back,
    /// holding a lock beside it all the while: two processes on one data folder (`kiosk serve`
    /// and `kiosk status`) would otherwise each write what they read before the other wrote,
    /// and one would lose the other's secret (or find its temporary file renamed away).
    fn change_file(
        path: &Path,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> bool,
    ) -> Result<(), SecretsError> {
        let lock_path = path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| file_error(&lock_path, e))?;
        lock.lock().map_err(|e| file_error(&lock_path, e))?;
        let mut map = Self::read_file(path)?;
        if change(&mut map) {
            Self::write_file(path, &map)?;
        }
        Ok(())
    }

    fn write_file(path: &Path, map: &BTreeMap<String, String>) -> Result<(), SecretsError> {
        use std::io::Write;
        let tmp = path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(|e| file_error(&tmp, e))?;
        let bytes = serde_json::to_vec(map).map_err(|e| file_error(&tmp, e))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| file_error(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| file_error(path, e))?;
        // The rename reaches the disk with its directory: a new refresh token must survive a
        // power cut, since the server has retired the old one.
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| file_error(dir, e))?;
        }
        Ok(())
    }

    /// Where a renewed refresh token is staged: beside the data, whatever the backend.
    fn staged_path(&self) -> Option<PathBuf> {
        match &self.backend {
            Backend::Keyring { account_prefix } => {
                Some(PathBuf::from(account_prefix).join(STAGED_FILE))
            }
            Backend::File(path) => Some(path.with_file_name(STAGED_FILE)),
            Backend::Memory(_) => None,
        }
    }

    /// Stages `value` (a renewed refresh token) with one plain write of a 0600 file: no fsync,
    /// no keyring round trip, so a kill between the server's answer and the durable copy finds
    /// it at the next start. The length is written first, so a write a power cut tore is known.
    pub fn stage(&self, value: &str) -> Result<(), SecretsError> {
        use std::io::Write;
        let Some(path) = self.staged_path() else {
            return self.set(STAGED_FILE, value);
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let text = format!("{STAGED_HEADER} {}\n{value}", value.len());
        options
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| file_error(&path, e))
    }

    /// The staged value, if one is there whole, and when it was staged.
    pub fn staged(&self) -> Result<Option<(String, std::time::SystemTime)>, SecretsError> {
        let Some(path) = self.staged_path() else {
            return Ok(self
                .get(STAGED_FILE)?
                .map(|v| (v, std::time::SystemTime::now())));
        };
        let at = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| std::time::SystemTime::now());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(file_error(&path, e)),
        };
        let whole = text.split_once('\n').and_then(|(head, value)| {
            let len: usize = head.strip_prefix(STAGED_HEADER)?.trim().parse().ok()?;
            (len > 0 && value.len() == len).then(|| value.to_owned())
        });
        if whole.is_none() {
            warn!("a staged session was torn (a power cut?); using the one kept before it");
        }
        Ok(whole.map(|v| (v, at)))
    }

    /// Forgets the staged value (it is kept durably now, or the session ended).
    pub fn unstage(&self) -> Result<(), SecretsError> {
        let Some(path) = self.staged_path() else {
            return self.delete(STAGED_FILE);
        };
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(file_error(&path, e)),
        }
    }

    pub fn get(&self, name: &str) -> Result<Option<String>, SecretsError> {
        match &self.backend {
            Backend::Keyring { account_prefix } => {
                match keyring::Entry::new(SERVICE, &format!("{account_prefix}/{name}"))
                    .and_then(|e| e.get_password())
                {
                    Ok(v) => Ok(Some(v)),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(keyring_error(&e)),
                }
            }
            Backend::File(path) => Ok(Self::read_file(path)?.get(name).cloned()),
            Backend::Memory(map) => Ok(map.lock().unwrap().get(name).cloned()),
        }
    }

    pub fn set(&self, name: &str, value: &str) -> Result<(), SecretsError> {
        match &self.backend {
            Backend::Keyring { account_prefix } => {
                keyring::Entry::new(SERVICE, &format!("{account_prefix}/{name}"))
                    .and_then(|e| e.set_password(value))
                    .map_err(|e| keyring_error(&e))
            }
            Backend::File(path) => Self::change_file(path, |map| {
                map.insert(name.to_owned(), value.to_owned());
                true
            }),
            Backend::Memory(map) => {
                map.lock()
                    .unwrap()
                    .insert(name.to_owned(), value.to_owned());
                Ok(())
            }
        }
    }

    pub fn delete(&self, name: &str) -> Result<(), SecretsError> {
        match &self.backend {
            Backend::Keyring { account_prefix } => {
                match keyring::Entry::new(SERVICE, &format!("{account_prefix}/{name}"))
                    .and_then(|e| e.delete_credential())
                {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(keyring_error(&e)),
                }
            }
            Backend::File(path) => Self::change_file(path, |map| map.remove(name).is_some()),
            Backend::Memory(map) => {
                map.lock().unwrap().remove(name);
                Ok(())
            }
        }
    }

    /// The device's own key for hashing member PINs and cards: made once, kept here.
    pub fn device_key(&self) -> Result<DeviceKey, SecretsError> {
        if let Some(hex) = self.get("device_key")? {
            if let Some(key) = decode_hex(&hex) {
                return Ok(DeviceKey(key));
            }
            warn!(
                "the stored device key is unreadable; making a new one (member PINs are re-hashed on the next sync)"
            );
        }
        let key: [u8; 32] = rand::random();
        // Another process may be making one at this moment: the first kept is everyone's
        // (member PINs and cards are hashed with it).
        if let Backend::File(path) = &self.backend {
            let mut kept = None;
            Self::change_file(path, |map| {
                kept = map.get("device_key").and_then(|h| decode_hex(h));
                if kept.is_some() {
                    return false;
                }
                map.insert("device_key".to_owned(), encode_hex(&key));
                true
            })?;
            return Ok(DeviceKey(kept.unwrap_or(key)));
        }
        self.set("device_key", &encode_hex(&key))?;
        Ok(DeviceKey(key))
    }
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    bytes?.try_into().ok()
}

/// A key that turns PINs and card numbers into hashes the database alone cannot reverse.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(***)")
    }
}

impl DeviceKey {
    /// A key from its bytes (tests; a real key comes from [`SecretStore::device_key`]).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// HMAC-SHA256 of a credential, labelled by its kind so a PIN never matches a card.
    pub fn hash(&self, kind: &str, value: &str) -> Vec<u8> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works for HMAC");
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.trim().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// The Nexudus session kept with the secrets: the refresh token (the session itself) and the
/// access token with its deadline, so a restart reuses it instead of renewing the session.
#[derive(Debug)]
pub struct SessionStore(pub std::sync::Arc<SecretStore>);

const REFRESH_TOKEN: &str = "refresh_token";
const ACCESS_TOKEN: &str = "access_token";

/// A refresh token as kept: `UNIX_SECONDS TOKEN`, the time it was granted first (an older
/// kiosk kept the token alone: no time then).
fn kept_refresh(text: &str) -> (Option<std::time::SystemTime>, &str) {
    match text.split_once(' ') {
        Some((secs, token)) if !secs.is_empty() && secs.bytes().all(|b| b.is_ascii_digit()) => (
            secs.parse::<u64>()
                .ok()
                .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s)),
            token,
        ),
        _ => (None, text),
    }
}

impl SessionStore {
    /// When the kept refresh token was granted (Nexudus gives it 15 days), if known.
    pub fn granted_at(&self) -> Result<Option<std::time::SystemTime>, SecretsError> {
        if let Some((_, at)) = self.0.staged()? {
            return Ok(Some(at));
        }
        Ok(self
            .0
            .get(REFRESH_TOKEN)?
            .and_then(|text| kept_refresh(&text).0))
    }

    fn keep(&self, token: &str, granted: std::time::SystemTime) -> Result<(), SecretsError> {
        let secs = granted
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        self.0.set(REFRESH_TOKEN, &format!("{secs} {token}"))
    }
}

impl TokenStore for SessionStore {
    /// A token staged by a run killed before it kept it durably is the newest: it is kept
    /// now, and used.
    fn load(&self) -> Result<Option<Secret>, StoreError> {
        if let Some((staged, at)) = self.0.staged()? {
            self.keep(&staged, at)?;
            self.0.unstage()?;
            return Ok(Some(Secret::new(staged)));
        }
        Ok(self
            .0
            .get(REFRESH_TOKEN)?
            .map(|text| Secret::new(kept_refresh(&text).1)))
    }

    fn save(&self, token: &Secret) -> Result<(), StoreError> {
        self.keep(token.expose(), std::time::SystemTime::now())?;
        Ok(self.0.unstage()?)
    }

    fn stage(&self, token: &Secret) -> Result<(), StoreError> {
        Ok(self.0.stage(token.expose())?)
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.0.unstage()?;
        self.0.delete(ACCESS_TOKEN)?;
        Ok(self.0.delete(REFRESH_TOKEN)?)
    }

    /// Kept as `UNIX_SECONDS TOKEN`; anything unreadable is no token.
    fn load_access(&self) -> Result<Option<StoredAccess>, StoreError> {
        let Some(text) = self.0.get(ACCESS_TOKEN)? else {
            return Ok(None);
        };
        Ok(text.split_once(' ').and_then(|(until, token)| {
            let until =
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(until.parse::<u64>().ok()?);
            Some(StoredAccess {
                token: Secret::new(token),
                valid_until: until,
            })
        }))
    }

    fn save_access(&self, access: &StoredAccess) -> Result<(), StoreError> {
        let until = access
            .valid_until
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Ok(self
            .0
            .set(ACCESS_TOKEN, &format!("{until} {}", access.token.expose()))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_opening_one_new_folder_at_once_share_one_device_key_and_lose_no_secret() {
        // `kiosk serve` starting while `kiosk peers` opens the same new folder: both make the
        // device key. Stores of their own on one file play the processes.
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let start = std::sync::Barrier::new(6);
            let keys: Vec<Result<[u8; 32], String>> = std::thread::scope(|s| {
                let makers: Vec<_> = (0..6)
                    .map(|i| {
                        let (dir, start) = (dir.path(), &start);
                        s.spawn(move || {
                            let store = SecretStore::file(dir);
                            start.wait();
                            store
                                .set(&format!("other-{i}"), "kept")
                                .map_err(|e| e.to_string())?;
                            store.device_key().map(|k| k.0).map_err(|e| e.to_string())
                        })
                    })
                    .collect();
                makers.into_iter().map(|m| m.join().unwrap()).collect()
            });
            assert!(keys.iter().all(Result::is_ok), "round {round}: {keys:?}");
            let stored = SecretStore::file(dir.path()).device_key().unwrap().0;
            assert!(
                keys.iter().all(|k| k.as_ref().ok() == Some(&stored)),
                "round {round}: every process holds the key that was kept"
            );
            let file = SecretStore::file(dir.path());
            for i in 0..6 {
                assert_eq!(
                    file.get(&format!("other-{i}")).unwrap().as_deref(),
                    Some("kept"),
                    "round {round}: no secret written at once is lost"
                );
            }
        }
    }

    #[test]
    fn the_session_keeps_its_access_token_and_forgets_both_at_logout() {
        let store = SessionStore(std::sync::Arc::new(SecretStore::in_memory()));
        let access = StoredAccess {
            token: Secret::new("a-1"),
            valid_until: std::time::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000_000),
        };
        store.save(&Secret::new("r-1")).unwrap();
        store.save_access(&access).unwrap();
        assert_eq!(store.load_access().unwrap(), Some(access));
        assert_eq!(store.load().unwrap(), Some(Secret::new("r-1")));
        store.clear().unwrap();
        assert_eq!(
            (store.load().unwrap(), store.load_access().unwrap()),
            (None, None),
            "a log-out leaves no token behind"
        );
    }

    fn loaded(sessions: &SessionStore) -> Option<String> {
        sessions.load().unwrap().map(|s| s.expose().to_owned())
    }

    #[test]
    fn a_staged_refresh_token_is_the_newest_and_a_torn_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = SessionStore(std::sync::Arc::new(SecretStore::file(dir.path())));
        sessions.save(&Secret::new("old")).unwrap();
        // A run killed after the server's answer was staged, before it was kept durably.
        sessions.stage(&Secret::new("renewed")).unwrap();
        let reopened = SessionStore(std::sync::Arc::new(SecretStore::file(dir.path())));
        assert_eq!(loaded(&reopened).as_deref(), Some("renewed"));
        assert!(
            !dir.path().join(STAGED_FILE).exists(),
            "kept durably at the next start, and no longer staged"
        );
        assert_eq!(
            reopened
                .0
                .get(REFRESH_TOKEN)
                .unwrap()
                .map(|t| kept_refresh(&t).1.to_owned())
                .as_deref(),
            Some("renewed")
        );
        assert!(
            reopened.granted_at().unwrap().is_some(),
            "and when it was granted"
        );

        // A power cut tore the staged write: the durable one is used.
        std::fs::write(dir.path().join(STAGED_FILE), "kiosk-staged-v1 7\nrene").unwrap();
        assert_eq!(loaded(&reopened).as_deref(), Some("renewed"));
        // Kept durably: nothing staged is left behind; a logout forgets both.
        reopened.stage(&Secret::new("next")).unwrap();
        reopened.save(&Secret::new("next")).unwrap();
        assert!(!dir.path().join(STAGED_FILE).exists());
        reopened.stage(&Secret::new("again")).unwrap();
        reopened.clear().unwrap();
        assert!(reopened.load().unwrap().is_none());
    }

    #[test]
    fn a_refresh_token_kept_by_an_older_kiosk_reads_without_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = std::sync::Arc::new(SecretStore::file(dir.path()));
        secrets.set(REFRESH_TOKEN, "legacy-token").unwrap();
        let sessions = SessionStore(secrets);
        assert_eq!(loaded(&sessions).as_deref(), Some("legacy-token"));
        assert_eq!(sessions.granted_at().unwrap(), None);
        sessions.save(&Secret::new("new-token")).unwrap();
        assert_eq!(loaded(&sessions).as_deref(), Some("new-token"));
        let at = sessions
            .granted_at()
            .unwrap()
            .expect("kept with its time now");
        assert!(at.elapsed().unwrap_or_default() < std::time::Duration::from_mins(1));
    }

    #[test]
    fn the_file_store_is_private_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let store = SecretStore::file(dir.path());
        store.set("refresh_token", "r-123").unwrap();
        let key = store.device_key().unwrap();
        let again = SecretStore::file(dir.path());
        assert_eq!(
            again.get("refresh_token").unwrap().as_deref(),
            Some("r-123")
        );
        assert_eq!(
            again.device_key().unwrap().hash("pin", "1234"),
            key.hash("pin", "1234"),
            "the same key"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "readable by the kiosk's user only");
        }
        again.delete("refresh_token").unwrap();
        assert_eq!(store.get("refresh_token").unwrap(), None);
    }

    #[test]
    fn credential_hashes_depend_on_kind_and_key() {
        let a = SecretStore::in_memory().device_key().unwrap();
        let b = SecretStore::in_memory().device_key().unwrap();
        assert_eq!(
            a.hash("pin", "1234"),
            a.hash("pin", " 1234 "),
            "surrounding spaces do not matter"
        );
        assert_ne!(
            a.hash("pin", "1234"),
            a.hash("card", "1234"),
            "a PIN never matches a card"
        );
        assert_ne!(
            a.hash("pin", "1234"),
            b.hash("pin", "1234"),
            "another device, another hash"
        );
        assert!(!format!("{a:?}").contains(&encode_hex(&a.0)));
    }
}
