//! The desktop/tablet app: a thin shell around the `Kiosk` core. Its one command forwards any
//! kiosk call to the core's dispatcher; core events become Tauri events; nothing here knows SQL,
//! rules or HTTP.

mod commands;
pub mod update;

use std::path::PathBuf;

use kiosk::Kiosk;
use kiosk_boot::{BootOptions, DemoChoice, Running};
use tauri::{Emitter, Manager, Runtime};

/// What the commands reach: the kiosk, and what keeps it running (sync engine, demo simulator).
#[derive(Debug)]
pub struct Shell {
    pub kiosk: Kiosk,
    running: Running,
}

impl Shell {
    pub fn new(running: Running) -> Self {
        Self {
            kiosk: running.kiosk.clone(),
            running,
        }
    }

    /// Stops the sync engine (nothing left claimed), within the time the OS gives a quitting
    /// app; a write in flight stays "in doubt" and is looked up at the next start.
    pub fn stop(&self) {
        // The timer is made inside the runtime: the app's exit runs on the main thread, where
        // making it outside panicked ("no reactor running") at every quit.
        let stopping = tauri::async_runtime::block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(4), self.running.sync.stop()).await
        });
        if stopping.is_err() {
            tracing::warn!("the sync engine took too long to stop; quitting anyway");
        }
    }
}

/// The kiosk once it has booted. The window opens at once and the kiosk opens beside it (its
/// database, its member index), so the two costs overlap instead of adding up at a cold start; a
/// call that comes before the kiosk is there waits for it.
#[derive(Debug, Default)]
pub struct Booted(tokio::sync::SetOnce<Shell>);

impl Booted {
    /// Booted already (the tests).
    pub fn ready(shell: Shell) -> Self {
        Self(tokio::sync::SetOnce::new_with(Some(shell)))
    }

    /// The kiosk has booted: calls waiting for it go on. Only the first counts.
    pub fn set(&self, shell: Shell) {
        let _ = self.0.set(shell);
    }

    /// The kiosk, once booted.
    pub async fn shell(&self) -> &Shell {
        self.0.wait().await
    }

    /// The kiosk if it has booted.
    pub fn get(&self) -> Option<&Shell> {
        self.0.get()
    }
}

/// Registers the app's command; shared by the app and its tests.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![commands::call])
}

/// Forwards every core event to the UI as the `kiosk` event.
pub fn forward_events<R: Runtime>(app: &tauri::AppHandle<R>, kiosk: &Kiosk) {
    let mut events = kiosk.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    let _ = app.emit("kiosk", &event);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the UI missed events; it reloads on the next one");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// Boot options from the environment: `KIOSK_DEMO` (always / never / auto),
/// `KIOSK_DEMO_MEMBERS` and `KIOSK_DEMO_SIM_PORT` let IT, the window tests and the benchmarks choose.
fn boot_options(data_dir: PathBuf) -> BootOptions {
    let mut options = BootOptions::new(data_dir);
    options.capabilities = kiosk::Capabilities {
        autostart: true,
        leave_kiosk: true,
        pairing: false,
        // WebKitGTK's camera, let in by `camera` below; the page still asks for one only
        // where the machine has one.
        camera: cfg!(target_os = "linux"),
        // The window serves no HTTP: `kiosk serve` answers `GET /metrics`.
        metrics: false,
    };
    options.demo = match std::env::var("KIOSK_DEMO").as_deref() {
        Ok("always" | "1") => DemoChoice::Always,
        Ok("never" | "0") => DemoChoice::Never,
        _ => DemoChoice::Auto,
    };
    if let Some(members) = std::env::var("KIOSK_DEMO_MEMBERS")
        .ok()
        .and_then(|m| m.parse().ok())
    {
        options.demo_members = members;
    }
    if let Some(port) = std::env::var("KIOSK_DEMO_SIM_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        options.demo_sim_port = port;
    }
    options
}

/// Draws the page without GPU compositing, unless `KIOSK_GPU=1`. Kiosk PCs often have no real
/// GPU: WebKitGTK then composites through a software GL driver, which here cost 180 ms more to
/// the first painted grid and 110 MB more memory (BENCHMARKS.md), for a page that gains nothing
/// from it (a grid of a few dozen tiles). On a machine with a GPU, IT may set `KIOSK_GPU=1`.
fn software_rendering<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    if std::env::var("KIOSK_GPU").is_ok_and(|v| v == "1") {
        return Ok(());
    }
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

/// Lets the page use a camera, for a visitor's photo and for reading an invitation's QR code:
/// WebKitGTK gives pages none unless the app switches media streams on and answers the page's
/// permission requests. Only video is let in (the page never asks for a microphone), and only
/// this app's own page asks. `KIOSK_MOCK_CAMERA=1` gives WebKitGTK's own test camera (the
/// window tests, or a try on a machine without one).
fn camera<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::glib::Cast;
            use webkit2gtk::{
                PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
                UserMediaPermissionRequestExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(settings) = view.settings() {
                settings.set_enable_media_stream(true);
                if std::env::var("KIOSK_MOCK_CAMERA").is_ok_and(|v| v == "1") {
                    settings.set_enable_mock_capture_devices(true);
                }
            }
            view.connect_permission_request(|_, request| {
                let video_only = request
                    .downcast_ref::<UserMediaPermissionRequest>()
                    .is_some_and(|m| m.is_for_video_device() && !m.is_for_audio_device());
                if video_only {
                    request.allow();
                } else {
                    request.deny();
                }
                true
            });
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

/// Lets the page save a file (staff saving a visitor's signed agreement): into the user's
/// Downloads folder (made where a machine without a desktop has none, rather than the
/// working directory), under the name the page gave, never over another file. Without a
/// handler WebKitGTK places no download, so the window could save nothing.
fn saving(downloads: &std::path::Path, event: tauri::webview::DownloadEvent<'_>) -> bool {
    match event {
        tauri::webview::DownloadEvent::Requested { destination, .. } => {
            let name = destination.file_name().map_or_else(
                || "download".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let (stem, ext) = name
                .rsplit_once('.')
                .map_or((name.clone(), String::new()), |(s, e)| {
                    (s.to_owned(), format!(".{e}"))
                });
            if let Err(e) = std::fs::create_dir_all(downloads) {
                tracing::warn!(error = %e, "no Downloads folder: the file is not saved");
                return false;
            }
            let mut path = downloads.join(&name);
            let mut n = 1;
            while path.exists() {
                path = downloads.join(format!("{stem} ({n}){ext}"));
                n += 1;
            }
            tracing::info!(file = %path.display(), "a file saved from the page");
            *destination = path;
        }
        tauri::webview::DownloadEvent::Finished {
            success: false,
            path,
            ..
        } => tracing::warn!(?path, "a file from the page was not saved"),
        _ => {}
    }
    true
}

/// Builds and runs the app.
pub fn run() {
    let started = std::time::Instant::now();
    let app = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(move |app| {
            let log_dir = app.path().app_log_dir()?;
            std::fs::create_dir_all(&log_dir)?;
            app.manage(kiosk_boot::logs::init(
                Some((&log_dir, "kiosk")),
                kiosk_boot::logs::LogFormat::from_env(),
                "info",
            ));
            let data_dir = app.path().app_data_dir()?;
            app.manage(Booted::default());
            let idle = std::sync::Arc::new(update::ScreenIdle::default());
            app.manage(std::sync::Arc::clone(&idle));
            let version = app.package_info().version.to_string();
            match update::UpdateSource::read(&data_dir) {
                Ok(Some(source)) => {
                    tracing::info!(url = %source.url, "updates are looked for");
                    update::watch(app.handle().clone(), source, idle);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "no update is looked for"),
            }
            let handle = app.handle().clone();
            // On a thread of its own: opening the database and indexing the members is
            // blocking work, done while the window and its web process start.
            std::thread::spawn(move || {
                let booting = std::time::Instant::now();
                match tauri::async_runtime::block_on(kiosk_boot::boot(boot_options(data_dir))) {
                    Ok(running) => {
                        tracing::info!(
                            %version,
                            boot_ms = booting.elapsed().as_millis(),
                            since_start_ms = started.elapsed().as_millis(),
                            members = running.kiosk.members().member_count(),
                            "kiosk ready"
                        );
                        forward_events(&handle, &running.kiosk);
                        handle.state::<Booted>().set(Shell::new(running));
                    }
                    Err(e) => {
                        tracing::error!(error = format!("{e:#}"), "the kiosk cannot start");
                        eprintln!("the kiosk app failed: {e:#}");
                        handle.exit(1);
                    }
                }
            });
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .ok_or("no main window in tauri.conf.json")?;
            let downloads = app
                .path()
                .download_dir()
                .or_else(|_| app.path().home_dir().map(|home| home.join("Downloads")))?;
            let window = tauri::WebviewWindowBuilder::from_config(app.handle(), config)?
                .on_download(move |_, event| saving(&downloads, event))
                .build()?;
            software_rendering(&window)?;
            camera(&window)?;
            Ok(())
        });
    let app = match app.build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("the kiosk app failed: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(booted) = app.try_state::<Booted>()
            && let Some(shell) = booted.get()
        {
            shell.stop();
            tracing::info!("stopped");
        }
    });
}
