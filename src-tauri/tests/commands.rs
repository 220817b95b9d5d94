//! Every kiosk call reaches the core through the app's one command: called through Tauri's IPC with a mock runtime
//! (no display), each answers what only the `Kiosk` can answer.

use kiosk_boot::{BootOptions, DemoChoice};
use nexudus_kiosk_lib::{Booted, Shell, with_commands};
use serde_json::{Value, json};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

/// A kiosk call through the app's one command, as the UI's transport makes it.
fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    name: &str,
    args: Value,
) -> Result<Value, Value> {
    let mut body = serde_json::Map::new();
    body.insert("call".into(), name.into());
    body.insert("args".into(), args);
    let body = Value::Object(body);
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: "call".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // On Linux the IPC origin must be tauri://localhost (toolchain.md).
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: tauri::http::HeaderMap::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<Value>().unwrap())
}

/// The app with its command and plugins, on Tauri's mock runtime (no display).
fn mock_app() -> tauri::App<tauri::test::MockRuntime> {
    with_commands(mock_builder())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .build(mock_context(noop_assets()))
        .unwrap()
}

fn main_window(
    app: &tauri::App<tauri::test::MockRuntime>,
) -> tauri::WebviewWindow<tauri::test::MockRuntime> {
    tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
        .build()
        .unwrap()
}

fn code(answer: Result<Value, Value>) -> String {
    answer.expect_err("an error from the core")["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn every_call_reaches_the_core_through_the_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = BootOptions::new(dir.path().to_owned());
    options.demo = DemoChoice::Always;
    options.demo_members = 80;
    let running = tauri::async_runtime::block_on(kiosk_boot::boot(options)).unwrap();
    let app = mock_app();
    app.manage(Booted::ready(Shell::new(running)));
    let w = main_window(&app);

    let status = call(&w, "status", json!({})).unwrap();
    assert_eq!(status["demo"], true);
    let grid = call(&w, "grid", json!({})).unwrap();
    let member = grid[0]["member_id"].as_i64().unwrap();
    let name = grid[0]["name"].as_str().unwrap().to_owned();
    let found = call(&w, "search", json!({"query": name, "limit": 5})).unwrap();
    assert_eq!(found[0]["member_id"], member);
    let settings = call(&w, "settings", json!({})).unwrap();
    assert_eq!(settings["location"]["id"], 1001);
    assert!(
        !call(&w, "locations", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        call(&w, "tap", json!({"member_id": member})).unwrap()["kind"],
        "welcome"
    );
    assert_eq!(
        code(call(&w, "tap_pin", json!({"pin": "00000000"}))),
        "unknown_pin"
    );
    assert_eq!(
        code(call(&w, "tap_card", json!({"card": "1"}))),
        "unknown_card"
    );
    assert_eq!(call(&w, "sync_now", json!({})).unwrap(), Value::Null);
    assert_eq!(
        code(call(&w, "staff_unlock", json!({"pin": "9999"}))),
        "wrong_pin"
    );
    let session = call(&w, "staff_unlock", json!({"pin": "1234"})).unwrap()["token"].clone();
    assert!(session.is_string(), "the PIN opens a staff session");
    let mut changed = settings.clone();
    changed["privacy"] = json!("initials");
    call(
        &w,
        "update_settings",
        json!({"session": session, "settings": changed}),
    )
    .unwrap();
    assert_eq!(
        call(&w, "settings", json!({})).unwrap()["privacy"],
        "initials"
    );
    assert!(
        call(&w, "staff_queue", json!({"session": session}))
            .unwrap()
            .is_array()
    );
    assert_eq!(
        code(call(
            &w,
            "staff_retry",
            json!({"session": session, "id": 999_999})
        )),
        "not_parked"
    );
    assert_eq!(
        code(call(
            &w,
            "staff_discard",
            json!({"session": session, "id": 999_999})
        )),
        "not_parked"
    );
    assert_eq!(
        call(&w, "staff_tablets", json!({"session": session})).unwrap()["pairing"]["required"],
        false,
        "the app window pairs no tablets"
    );
    let refused = call(
        &w,
        "staff_login",
        json!({"session": session, "email": "nobody@example.com", "password": "x", "totp": null, "base_url": status["location"].is_object().then_some("http://127.0.0.1:9")}),
    );
    assert_eq!(
        code(refused),
        "offline",
        "the login reached the client, which found nobody there"
    );
    call(&w, "staff_logout", json!({"session": session})).unwrap();
    assert_eq!(
        call(&w, "status", json!({})).unwrap()["connectivity"],
        "not_configured"
    );
    assert_eq!(
        code(call(
            &w,
            "autostart",
            json!({"session": "made-up", "enabled": null})
        )),
        "staff_session_ended"
    );
    assert!(
        call(
            &w,
            "autostart",
            json!({"session": session, "enabled": null})
        )
        .unwrap()
        .is_boolean(),
        "start at login, read"
    );
    assert_eq!(
        code(call(&w, "leave_kiosk", json!({"session": "made-up"}))),
        "staff_session_ended",
        "no way out without a staff session"
    );
    call(
        &w,
        "staff_set_pin",
        json!({"current": "1234", "new": "2468"}),
    )
    .unwrap();
    call(&w, "staff_unlock", json!({"pin": "2468"})).unwrap();
    assert_eq!(
        code(call(&w, "format_disk", json!({}))),
        "unknown_call",
        "the command runs declared calls only"
    );
}

#[test]
fn a_call_made_while_the_kiosk_boots_waits_for_it_and_then_answers() {
    let dir = tempfile::tempdir().unwrap();
    let app = mock_app();
    // The window is up before the kiosk, as at a cold start.
    app.manage(Booted::default());
    let w = main_window(&app);
    let handle = app.handle().clone();
    let path = dir.path().to_owned();
    let booting = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut options = BootOptions::new(path);
        options.demo = DemoChoice::Always;
        options.demo_members = 20;
        let running = tauri::async_runtime::block_on(kiosk_boot::boot(options)).unwrap();
        handle.state::<Booted>().set(Shell::new(running));
    });
    let status = call(&w, "status", json!({})).expect("answered once the kiosk is there");
    assert_eq!(status["demo"], true);
    booting.join().unwrap();
}

#[test]
fn the_app_quits_from_its_main_thread_stopping_the_sync_engine_without_a_panic() {
    // What the app's exit (leave kiosk mode, the OS, an update's restart) runs: on the main
    // thread, outside any async runtime.
    let dir = tempfile::tempdir().unwrap();
    let mut options = BootOptions::new(dir.path().to_owned());
    options.demo = DemoChoice::Always;
    options.demo_members = 20;
    let running = tauri::async_runtime::block_on(kiosk_boot::boot(options)).unwrap();
    let shell = Shell::new(running);
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shell.stop()));
    assert!(stopped.is_ok(), "the stop panicked outside a runtime");
}
