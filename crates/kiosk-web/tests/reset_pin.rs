//! A mistyped first staff PIN has a way back that needs the machine itself (issue 26, point
//! 1): `kiosk reset-staff-pin` on the data folder of a running `kiosk serve` forgets the PIN;
//! the kiosk's own screen then chooses a new one as on a first run, and nothing else is lost.

mod common;

use serde_json::{Value, json};

fn reset_staff_pin(dir: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("reset-staff-pin")
        .arg("--data-dir")
        .arg(dir)
        .output()
        .expect("kiosk reset-staff-pin runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_first_pin_is_chosen_again_on_the_screen_after_reset_staff_pin() {
    let dir = tempfile::tempdir().unwrap();
    let (_child, mut lines) =
        common::spawn_serve(&["--no-demo", "--bind", "127.0.0.1:0"], dir.path());
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let http = common::client();
    let post = |path: &str, body: Value| {
        let request = http.post(format!("{url}api/{path}")).json(&body);
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };

    // The first PIN, mistyped: nobody knows it.
    let (s, body) = post("staff_set_pin", json!({"current": null, "new": "918273"})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = post("staff_set_pin", json!({"current": null, "new": "1234"})).await;
    assert_eq!(
        body["code"], "wrong_pin",
        "once a PIN is set, a new one needs it: {s} {body}"
    );

    let said = reset_staff_pin(dir.path());
    assert!(said.starts_with("The staff PIN is forgotten."), "{said}");

    let (_, status) = post("status", json!({})).await;
    assert_eq!(
        status["staff_pin_set"], false,
        "the running kiosk sees it: {status}"
    );
    let (s, body) = post("staff_unlock", json!({"pin": "918273"})).await;
    assert_eq!(
        body["code"], "no_staff_pin",
        "the old PIN opens nothing: {s} {body}"
    );
    let (s, body) = post("staff_set_pin", json!({"current": null, "new": "1234"})).await;
    assert_eq!(s, 200, "the screen chooses again: {body}");
    let (s, body) = post("staff_unlock", json!({"pin": "1234"})).await;
    assert_eq!(s, 200, "{body}");

    let said = reset_staff_pin(dir.path());
    assert!(said.starts_with("The staff PIN is forgotten."), "{said}");
    let said = reset_staff_pin(dir.path());
    assert!(
        said.starts_with("No staff PIN was set."),
        "said again, it says so: {said}"
    );
}
