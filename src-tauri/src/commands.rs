//! The app's one command: any kiosk call, by name, dispatched by the core's single definition
//! of the calls (`kiosk::calls`). What only the app can do (start at login, leave kiosk mode)
//! is its [`Face`]; everything else is the core's.

use std::sync::Arc;

use kiosk::{ErrorDto, Face, KioskError};
use serde_json::Value;
use tauri::{AppHandle, Runtime, State};

use crate::Booted;

/// What the desktop app adds to the core's calls.
struct AppFace<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Face for AppFace<R> {
    fn autostart(&self, enabled: Option<bool>) -> Result<bool, KioskError> {
        use tauri_plugin_autostart::ManagerExt;
        let launcher = self.0.autolaunch();
        let failed = |e: tauri_plugin_autostart::Error| KioskError::Autostart(e.to_string());
        match enabled {
            Some(true) => launcher.enable().map_err(failed)?,
            Some(false) => launcher.disable().map_err(failed)?,
            None => {}
        }
        launcher.is_enabled().map_err(failed)
    }

    fn screen_idle(&self, idle: bool) -> Result<(), KioskError> {
        use tauri::Manager;
        if let Some(screen) = self.0.try_state::<Arc<crate::update::ScreenIdle>>() {
            screen.set(idle);
        }
        Ok(())
    }

    fn leave_kiosk(&self) -> Result<(), KioskError> {
        tracing::info!("leaving kiosk mode at a staff member's request");
        self.0.exit(0);
        Ok(())
    }
}

/// Any kiosk call: `call` names it, `args` are its arguments.
#[tauri::command]
pub async fn call<R: Runtime>(
    app: AppHandle<R>,
    booted: State<'_, Booted>,
    call: String,
    args: Option<Value>,
) -> Result<Value, ErrorDto> {
    let face: Arc<dyn Face> = Arc::new(AppFace(app));
    // The window opens while the kiosk boots: a first call waits for it.
    let shell = booted.shell().await;
    kiosk::calls::call(&shell.kiosk, face, &call, args.unwrap_or(Value::Null))
        .await
        .map_err(ErrorDto::from)
}
