//! One file to run (issue 26, point 8): `kiosk serve` started away from the repository, with no
//! UI folder beside it, serves the UI built into the binary: its page, its scripts with their
//! type, the page again for the UI's own paths, and the API as before.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serve_with_no_ui_folder_serves_the_ui_built_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-ui-here");
    let (_child, mut lines) = common::spawn_serve(
        &[
            "--bind",
            "127.0.0.1:0",
            "--ui-dir",
            nowhere.to_str().unwrap(),
        ],
        dir.path(),
    );
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let get = |path: &str| reqwest::get(format!("{url}{}", path.trim_start_matches('/')));

    let page = get("/").await.unwrap();
    assert_eq!(page.status(), 200);
    let kind = page.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(
        page.headers().contains_key("content-security-policy"),
        "the face's headers on the built UI too"
    );
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("not built"),
        "the UI inside the binary, not the 'not built' page (build the UI before the binary: \
         npm run build in ui/): {html}"
    );
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page loads a script")
        .to_owned();
    let js = get(&script).await.unwrap();
    assert_eq!(js.status(), 200, "{script}");
    let kind = js.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.contains("javascript"), "{script}: {kind}");

    let desk = get("/desk").await.unwrap();
    assert_eq!(desk.status(), 200);
    assert_eq!(
        desk.text().await.unwrap(),
        html,
        "the UI's own paths get its page"
    );
    let status = get("/api/status").await.unwrap();
    assert!(
        status.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}
