//! Kiosks that see each other (issue 29, point 4): two `kiosk serve` on two machines of one
//! network, played by two network namespaces joined by a bridge, announce themselves over
//! DNS-SD and each notes the other (`kiosk peers`), with its address; one that stops is marked
//! gone by the other. Paired with a code, each reads the other's health, and a machine that
//! takes a paired kiosk's place is not believed. Needs root (`ip netns`), as CI and this
//! machine have.
#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two namespaces `<tag>a` and `<tag>b` on one bridge, at 10.231.<n>.2 and .3; gone when
/// dropped.
struct Network {
    tag: String,
}

impl Network {
    fn new() -> Self {
        // Tests of this file run side by side: each its own names, and one at a time in `ip
        // netns add` (the first makes /run/netns, which two at once race for).
        static MADE: std::sync::Mutex<u32> = std::sync::Mutex::new(0);
        let mut made = MADE.lock().unwrap();
        *made += 1;
        let tag = format!("kd{}{}", std::process::id() % 10_000, *made);
        let net = Self { tag: tag.clone() };
        let bridge = format!("{tag}br");
        ip(&["link", "add", &bridge, "type", "bridge"]);
        ip(&["link", "set", &bridge, "up"]);
        for (side, host) in [("a", 2), ("b", 3)] {
            let ns = format!("{tag}{side}");
            let (outer, inner) = (format!("{tag}{side}0"), format!("{tag}{side}1"));
            ip(&["netns", "add", &ns]);
            ip(&[
                "link", "add", &outer, "type", "veth", "peer", "name", &inner,
            ]);
            ip(&["link", "set", &inner, "netns", &ns]);
            ip(&["link", "set", &outer, "master", &bridge, "up"]);
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("10.231.7.{host}/24"),
                "dev",
                &inner,
            ]);
            ip(&["-n", &ns, "link", "set", &inner, "up", "multicast", "on"]);
            ip(&["-n", &ns, "link", "set", "lo", "up"]);
        }
        net
    }

    fn ns(&self, side: &str) -> String {
        format!("{}{side}", self.tag)
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for side in ["a", "b"] {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.ns(side)])
                .status();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &format!("{}br", self.tag)])
            .status();
    }
}

/// `kiosk serve` on every address of namespace `ns`, as a kiosk without an account would be
/// installed (reading paired kiosks' health every second), and the pairing code it prints.
async fn serve_in(ns: &str, data: &Path) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            env!("CARGO_BIN_EXE_kiosk"),
            "serve",
            "--no-demo",
            "--peer-read-every",
            "1s",
        ])
        .args(["--bind", "0.0.0.0:8443", "--data-dir"])
        .arg(data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kiosk serve starts");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let code = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.strip_prefix("Tablets on the network pair with code ") {
                return rest.split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("kiosk serve ended without a pairing code");
    })
    .await
    .expect("kiosk serve prints its pairing code");
    // The rest of what it prints is read and dropped, so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, code)
}

/// Runs `call` on a thread inside network namespace `ns` (its sockets are that machine's),
/// on a runtime of that thread's own, and answers what it answers.
fn in_namespace<T: Send + 'static>(
    ns: &str,
    call: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
) -> T {
    let file = std::fs::File::open(format!("/var/run/netns/{ns}")).expect("the namespace exists");
    std::thread::spawn(move || {
        // Changes this thread's network only.
        nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(call())
    })
    .join()
    .expect("the call in the namespace ran")
}

/// Staff at the kiosk of namespace `ns`, on its own screen (loopback there), choose the staff
/// PIN and pair it with kiosk `name` by `code`; answers the status and the answer.
fn pair_from(ns: &str, name: &str, code: &str) -> (u16, serde_json::Value) {
    let (name, code) = (name.to_owned(), code.to_owned());
    in_namespace(ns, move || {
        Box::pin(async move {
            // The kiosk's own certificate, which its own screen does not check.
            let http = reqwest::Client::builder()
                .danger_accept_invalid_certs(true)
                .build()
                .unwrap();
            let post = |call: &str, body: serde_json::Value| {
                http.post(format!("https://127.0.0.1:8443/api/{call}"))
                    .json(&body)
                    .send()
            };
            let set = post(
                "staff_set_pin",
                serde_json::json!({"current": null, "new": "2468"}),
            )
            .await
            .unwrap();
            assert_eq!(set.status(), 200, "{}", set.text().await.unwrap());
            let session: serde_json::Value =
                post("staff_unlock", serde_json::json!({"pin": "2468"}))
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
            let session = session["token"].as_str().unwrap().to_owned();
            let wrong = post(
                "staff_pair_kiosk",
                serde_json::json!({"session": session, "name": name, "code": "000000"}),
            )
            .await
            .unwrap();
            assert_eq!(wrong.status(), 403, "a wrong code pairs nothing");
            let paired = post(
                "staff_pair_kiosk",
                serde_json::json!({"session": session, "name": name, "code": code}),
            )
            .await
            .unwrap();
            (paired.status().as_u16(), paired.json().await.unwrap())
        })
    })
}

/// What `kiosk peers` prints for a data folder.
fn peers(data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("peers")
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Waits up to 20 s for `kiosk peers` of `data` to print a line with every one of `words`.
async fn until_listed(data: &Path, words: &[&str]) -> String {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let listed = peers(data);
        if listed.lines().any(|l| words.iter().all(|w| l.contains(w))) {
            return listed;
        }
        assert!(Instant::now() < until, "never listed {words:?}:\n{listed}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Two machines on one network, each with the data folder of a kiosk to be, and the name each
/// kiosk will announce.
struct Machines {
    net: Network,
    dir_a: tempfile::TempDir,
    dir_b: tempfile::TempDir,
    name_a: String,
    name_b: String,
}

impl Machines {
    fn new() -> Self {
        assert!(
            Command::new("id").arg("-u").output().unwrap().stdout == b"0\n",
            "this test makes network namespaces: it runs as root (CI does)"
        );
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let name = |d: &tempfile::TempDir| {
            kiosk_web::discovery::instance_name(&d.path().display().to_string())
        };
        Self {
            net: Network::new(),
            name_a: name(&dir_a),
            name_b: name(&dir_b),
            dir_a,
            dir_b,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_kiosks_on_one_network_find_each_other_and_one_that_stops_is_marked_gone() {
    let m = Machines::new();
    let (_a, _) = serve_in(&m.net.ns("a"), m.dir_a.path()).await;
    let (b, _) = serve_in(&m.net.ns("b"), m.dir_b.path()).await;

    until_listed(
        m.dir_a.path(),
        &[&m.name_b, "https://10.231.7.3:8443", "seen"],
    )
    .await;
    let seen_by_b = until_listed(
        m.dir_b.path(),
        &[&m.name_a, "https://10.231.7.2:8443", "seen"],
    )
    .await;
    assert!(
        !seen_by_b.contains(&m.name_b),
        "a kiosk does not list itself:\n{seen_by_b}"
    );

    // B stops: it says goodbye, and A marks it gone.
    common::stopped(b).await;
    until_listed(m.dir_a.path(), &[&m.name_b, "gone since"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_kiosks_paired_by_a_code_read_each_others_health_and_one_in_the_others_place_is_not_believed()
 {
    let m = Machines::new();
    let (_a, _) = serve_in(&m.net.ns("a"), m.dir_a.path()).await;
    let (b, code_b) = serve_in(&m.net.ns("b"), m.dir_b.path()).await;
    until_listed(m.dir_a.path(), &[&m.name_b, "seen"]).await;

    // A's staff type the code B's staff panel shows (B printed it at start).
    let (status, paired) = pair_from(&m.net.ns("a"), &m.name_b, &code_b);
    assert_eq!(status, 200, "{paired}");
    assert_eq!(paired["name"], m.name_b.as_str());

    // Each reads the other's health: B's version and queue on A's desk, and A's on B's.
    until_listed(
        m.dir_a.path(),
        &[&m.name_b, "paired: not_configured, 0 pending, 0 parked"],
    )
    .await;
    until_listed(
        m.dir_b.path(),
        &[
            &m.name_a,
            "https://10.231.7.2:8443",
            "paired: not_configured",
        ],
    )
    .await;

    // B's machine is replaced by another kiosk at its address, with a key of its own: A reads
    // nothing from it and says why.
    common::stopped(b).await;
    let dir_c = tempfile::tempdir().unwrap();
    let (_c, _) = serve_in(&m.net.ns("b"), dir_c.path()).await;
    until_listed(
        m.dir_a.path(),
        &[
            &m.name_b,
            "its certificate is not the one it was paired with",
        ],
    )
    .await;
}
