//! Signed updates (issue 29, point 3), with Tauri's own updater plugin: the app asks the
//! operator's update address for a newer release now and then, downloads it, checks its
//! signature against the operator's public key (the plugin refuses any other), and installs it
//! only when the screen is idle: the UI's idle timer sent it back to the grid or the attract
//! screen and nobody has touched it since. Then the app restarts on the new version; the
//! queue and the login are in the data folder and the secret store, which an update does not
//! touch.
//!
//! Where updates come from is IT's to say, never staff's (a staff PIN must not be a way to run
//! other code): `KIOSK_UPDATE_URL` in the environment, or `update.json` in the data folder
//! (`{"url": "..."}`). Neither: no update is looked for. The key is the one the operator's
//! build carries (`plugins.updater.pubkey` in `tauri.conf.json`, which `tauri build` needs to
//! sign a release), or the one IT gives (`KIOSK_UPDATE_PUBKEY`, `"pubkey"`) for a build
//! without one.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Runtime, Url};
use tauri_plugin_updater::UpdaterExt;
use tracing::{info, warn};

/// How often the update address is asked, unless IT says otherwise (`KIOSK_UPDATE_EVERY`, in
/// seconds, or `every_seconds` in `update.json`).
const CHECK_EVERY: Duration = Duration::from_hours(6);

/// Where updates come from, and the key they are signed with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSource {
    /// The update manifest's address (Tauri's static `latest.json`, or a server answering
    /// the updater's request).
    pub url: Url,
    /// The operator's public key (what `tauri signer generate` writes to `<key>.pub`), where
    /// the build carries none or another.
    #[serde(default)]
    pub pubkey: Option<String>,
    #[serde(default)]
    pub every_seconds: Option<u64>,
}

impl UpdateSource {
    /// IT's update source: the environment's, else `update.json` in `data_dir`; `None` when
    /// neither says one. A file that is there but wrong is an error, said at start.
    pub fn read(data_dir: &Path) -> Result<Option<Self>, String> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(url) = env("KIOSK_UPDATE_URL") {
            return Ok(Some(Self {
                url: url
                    .parse()
                    .map_err(|e| format!("KIOSK_UPDATE_URL is not an address: {e}"))?,
                pubkey: env("KIOSK_UPDATE_PUBKEY"),
                every_seconds: env("KIOSK_UPDATE_EVERY").and_then(|s| s.parse().ok()),
            }));
        }
        let path = data_dir.join("update.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| format!("{} cannot be read: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{} cannot be read: {e}", path.display())),
        }
    }

    fn every(&self) -> Duration {
        self.every_seconds
            .map_or(CHECK_EVERY, |s| Duration::from_secs(s.max(1)))
    }
}

/// Whether the screen is idle, as the UI last said (`screen_idle`).
#[derive(Debug, Default)]
pub struct ScreenIdle(AtomicBool);

impl ScreenIdle {
    pub fn set(&self, idle: bool) {
        self.0.store(idle, Ordering::SeqCst);
    }

    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Looks for updates from `source` until the app ends; installs one when the screen is idle
/// and restarts.
pub fn watch<R: Runtime>(app: AppHandle<R>, source: UpdateSource, idle: Arc<ScreenIdle>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match newer(&app, &source).await {
                Ok(Some((update, bytes))) => {
                    info!(
                        version = %update.version,
                        "an update was downloaded and its signature checked; it installs when the screen is idle"
                    );
                    while !idle.get() {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    info!(version = %update.version, "the screen is idle: installing the update");
                    match update.install(&bytes) {
                        Ok(()) => {
                            info!(version = %update.version, "the update is installed: restarting");
                            // Through the app's exit: the sync engine stops first (nothing
                            // claimed), then the new version starts.
                            app.request_restart();
                            return;
                        }
                        Err(e) => {
                            let version = update.version.clone();
                            warn!(%version, error = %e, "the update could not be installed");
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => warn!(error = %e, "no update was taken"),
            }
            tokio::time::sleep(source.every()).await;
        }
    });
}

/// A newer release from `source`, downloaded and its signature checked, if there is one.
async fn newer<R: Runtime>(
    app: &AppHandle<R>,
    source: &UpdateSource,
) -> Result<Option<(tauri_plugin_updater::Update, Vec<u8>)>, tauri_plugin_updater::Error> {
    let mut updater = app.updater_builder();
    if let Some(key) = &source.pubkey {
        updater = updater.pubkey(key.trim());
    }
    let updater = updater
        .endpoints(vec![source.url.clone()])?
        .timeout(Duration::from_mins(1))
        .build()?;
    let Some(update) = updater.check().await? else {
        return Ok(None);
    };
    info!(version = %update.version, "a newer version is offered: downloading it");
    // The plugin checks the signature once the bytes are in, and refuses them on any other key.
    let bytes = update.download(|_, _| {}, || {}).await?;
    Ok(Some((update, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_update_source_is_read_from_the_data_folder_and_a_wrong_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(UpdateSource::read(dir.path()), Ok(None), "none: no update");
        std::fs::write(
            dir.path().join("update.json"),
            r#"{"url": "https://updates.example.com/kiosk/latest.json"}"#,
        )
        .unwrap();
        let source = UpdateSource::read(dir.path()).unwrap().unwrap();
        assert_eq!(source.url.host_str(), Some("updates.example.com"));
        assert_eq!(source.every(), CHECK_EVERY);
        std::fs::write(dir.path().join("update.json"), r#"{"url": "nope"}"#).unwrap();
        let wrong = UpdateSource::read(dir.path()).unwrap_err();
        assert!(wrong.contains("update.json"), "{wrong}");
    }
}
