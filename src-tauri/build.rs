// Declares the app's own commands, so capabilities can grant exactly these and nothing more.
fn main() {
    let commands = tauri_build::AppManifest::new().commands(&[
        "status",
        "grid",
        "search",
        "settings",
        "locations",
        "tap",
        "tap_pin",
        "tap_card",
        "sync_now",
        "staff_verify",
        "staff_set_pin",
        "update_settings",
        "staff_queue",
        "staff_retry",
        "staff_discard",
        "staff_login",
        "staff_logout",
        "staff_pairing",
        "leave_kiosk",
        "autostart",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("tauri build step");
}
