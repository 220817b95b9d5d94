//! Kiosks that see each other (issue 29, point 4): two `kiosk serve` on two machines of one
//! network, played by two network namespaces joined by a bridge, announce themselves over
//! DNS-SD and each notes the other (`kiosk peers`), with its address; one that stops is marked
//! gone by the other. Needs root (`ip netns`), as CI and this machine have.
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
        let tag = format!("kd{}", std::process::id() % 100_000);
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
/// installed.
fn serve_in(ns: &str, data: &Path) -> tokio::process::Child {
    tokio::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            env!("CARGO_BIN_EXE_kiosk"),
            "serve",
            "--no-demo",
        ])
        .args(["--bind", "0.0.0.0:8443", "--data-dir"])
        .arg(data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kiosk serve starts")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_kiosks_on_one_network_find_each_other_and_one_that_stops_is_marked_gone() {
    assert!(
        Command::new("id").arg("-u").output().unwrap().stdout == b"0\n",
        "this test makes network namespaces: it runs as root (CI does)"
    );
    let net = Network::new();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let name = |d: &tempfile::TempDir| {
        kiosk_web::discovery::instance_name(&d.path().display().to_string())
    };
    let (name_a, name_b) = (name(&dir_a), name(&dir_b));
    let _a = serve_in(&net.ns("a"), dir_a.path());
    let b = serve_in(&net.ns("b"), dir_b.path());

    until_listed(dir_a.path(), &[&name_b, "https://10.231.7.3:8443", "seen"]).await;
    let seen_by_b = until_listed(dir_b.path(), &[&name_a, "https://10.231.7.2:8443", "seen"]).await;
    assert!(
        !seen_by_b.contains(&name_b),
        "a kiosk does not list itself:\n{seen_by_b}"
    );

    // B stops: it says goodbye, and A marks it gone.
    common::stopped(b).await;
    until_listed(dir_a.path(), &[&name_b, "gone since"]).await;
}
