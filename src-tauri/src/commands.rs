//! One command per `Kiosk` method: each forwards and maps the error to `{ code, message }`.

use kiosk::{ErrorDto, Location, QueueItem, Settings, Status, TapOutcome, Tile};
use serde_json::{Value, json};
use tauri::State;

use crate::Shell;

type Answer<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn status(shell: State<'_, Shell>) -> Answer<Status> {
    shell.kiosk.status().map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn grid(shell: State<'_, Shell>) -> Answer<Vec<Tile>> {
    shell.kiosk.grid().map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn search(
    shell: State<'_, Shell>,
    query: String,
    limit: Option<usize>,
) -> Answer<Vec<Tile>> {
    shell
        .kiosk
        .search(&query, limit.unwrap_or(50).min(200))
        .map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn settings(shell: State<'_, Shell>) -> Answer<Settings> {
    Ok(shell.kiosk.settings())
}

#[tauri::command]
pub async fn locations(shell: State<'_, Shell>) -> Answer<Vec<Location>> {
    shell.kiosk.locations().map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn tap(shell: State<'_, Shell>, member_id: i64) -> Answer<TapOutcome> {
    shell.kiosk.tap(member_id).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn tap_pin(shell: State<'_, Shell>, pin: String) -> Answer<TapOutcome> {
    shell.kiosk.tap_pin(&pin).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn tap_card(shell: State<'_, Shell>, card: String) -> Answer<TapOutcome> {
    shell.kiosk.tap_card(&card).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn sync_now(shell: State<'_, Shell>) -> Answer<()> {
    shell.kiosk.sync_now();
    Ok(())
}

#[tauri::command]
pub async fn staff_verify(shell: State<'_, Shell>, pin: String) -> Answer<()> {
    shell.kiosk.verify_staff_pin(&pin).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_set_pin(
    shell: State<'_, Shell>,
    current: Option<String>,
    new: String,
) -> Answer<()> {
    shell
        .kiosk
        .set_staff_pin(current.as_deref(), &new)
        .map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn update_settings(
    shell: State<'_, Shell>,
    pin: String,
    settings: Settings,
) -> Answer<()> {
    shell
        .kiosk
        .update_settings(&pin, settings)
        .map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_queue(shell: State<'_, Shell>, pin: String) -> Answer<Vec<QueueItem>> {
    shell.kiosk.queue(&pin, 200).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_retry(shell: State<'_, Shell>, pin: String, id: i64) -> Answer<()> {
    shell.kiosk.retry_parked(&pin, id).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_discard(shell: State<'_, Shell>, pin: String, id: i64) -> Answer<()> {
    shell.kiosk.discard_parked(&pin, id).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_login(
    shell: State<'_, Shell>,
    pin: String,
    email: String,
    password: String,
    totp: Option<String>,
    base_url: Option<String>,
) -> Answer<()> {
    let password = nexudus::Secret::new(password);
    shell
        .kiosk
        .login(
            &pin,
            base_url.as_deref(),
            &email,
            &password,
            totp.as_deref(),
        )
        .await
        .map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn staff_logout(shell: State<'_, Shell>, pin: String) -> Answer<()> {
    shell.kiosk.logout(&pin).await.map_err(ErrorDto::from)
}

/// Tablets pair with the browser face (`kiosk serve`); the app itself serves none.
#[tauri::command]
pub async fn staff_pairing(shell: State<'_, Shell>, pin: String) -> Answer<Value> {
    shell.kiosk.verify_staff_pin(&pin).map_err(ErrorDto::from)?;
    Ok(json!({ "code": "", "required": false }))
}

/// Start at login: reads it (`enabled` absent) or turns it on or off.
#[tauri::command]
pub async fn autostart<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    shell: State<'_, Shell>,
    pin: String,
    enabled: Option<bool>,
) -> Answer<bool> {
    use tauri_plugin_autostart::ManagerExt;
    shell.kiosk.verify_staff_pin(&pin).map_err(ErrorDto::from)?;
    let launcher = app.autolaunch();
    let fail = |e: tauri_plugin_autostart::Error| ErrorDto {
        code: "autostart".into(),
        message: e.to_string(),
    };
    match enabled {
        Some(true) => launcher.enable().map_err(fail)?,
        Some(false) => launcher.disable().map_err(fail)?,
        None => {}
    }
    launcher.is_enabled().map_err(fail)
}

/// The only way out of kiosk mode: the staff PIN, then the app closes.
#[tauri::command]
pub async fn leave_kiosk<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    shell: State<'_, Shell>,
    pin: String,
) -> Answer<()> {
    shell.kiosk.verify_staff_pin(&pin).map_err(ErrorDto::from)?;
    tracing::info!("leaving kiosk mode at a staff member's request");
    app.exit(0);
    Ok(())
}
