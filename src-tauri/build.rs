// Declares the app's one command, so its capability grants exactly that and nothing more. Every
// kiosk call goes through it (crates/kiosk/src/calls.rs); adding a call changes nothing here.
fn main() {
    let commands = tauri_build::AppManifest::new().commands(&["call"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("tauri build step");
}
