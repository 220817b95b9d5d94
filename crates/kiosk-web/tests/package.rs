//! `kiosk serve` as a Debian package (issue 29, point 2): the binary and its systemd unit, the
//! unit's `ExecStart` pointing at the packaged binary, the maintainer scripts reloading
//! systemd, restarting the service on an upgrade and stopping it on removal, never enabling or
//! starting it at a first install. Built by cargo-deb from this test's own binary (a release
//! build is `cargo deb -p kiosk-web`); read with dpkg-deb.

use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_serve_package_holds_the_binary_and_a_unit_that_runs_it_and_never_starts_it_at_install() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = tempfile::tempdir().unwrap();
    // The binary this test run built (target/debug/kiosk), packaged as a release would be.
    let built = run(Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "deb",
            "-p",
            "kiosk-web",
            "--profile",
            "dev",
            "--no-build",
            "--fast",
        ])
        .arg("-o")
        .arg(out.path()));
    let deb = built.lines().last().unwrap().trim().to_owned();
    assert!(
        Path::new(&deb).extension().is_some_and(|e| e == "deb"),
        "cargo deb says where: {built}"
    );

    let fields = run(Command::new("dpkg-deb").args(["-f", &deb, "Package", "Depends"]));
    assert!(fields.contains("Package: nexudus-kiosk-serve"), "{fields}");
    let files = run(Command::new("dpkg-deb").args(["-c", &deb]));
    for file in [
        "./usr/bin/kiosk",
        "./usr/lib/systemd/system/kiosk-serve.service",
        "./usr/share/doc/nexudus-kiosk-serve/kiosk.rules.yml",
    ] {
        assert!(
            files.contains(file),
            "{file} is not in the package:\n{files}"
        );
    }

    let unpacked = out.path().join("root");
    run(Command::new("dpkg-deb").args(["-x", &deb]).arg(&unpacked));
    let unit = std::fs::read_to_string(unpacked.join("usr/lib/systemd/system/kiosk-serve.service"))
        .unwrap();
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("the unit starts something");
    let binary = exec.split_whitespace().next().unwrap();
    assert_eq!(
        binary, "/usr/bin/kiosk",
        "the unit runs the packaged binary"
    );
    assert!(
        unit.contains("Type=notify") && unit.contains("WatchdogSec="),
        "{unit}"
    );
    let version = run(Command::new(unpacked.join(binary.trim_start_matches('/'))).arg("--version"));
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");

    let scripts = out.path().join("control");
    run(Command::new("dpkg-deb").args(["-e", &deb]).arg(&scripts));
    let postinst = std::fs::read_to_string(scripts.join("postinst")).unwrap();
    assert!(postinst.contains("daemon-reload"), "{postinst}");
    assert!(
        postinst.contains("try-restart kiosk-serve.service"),
        "an upgrade restarts a running service:\n{postinst}"
    );
    // Enabling is guarded by "was this unit installed by the package before" (an upgrade keeps
    // what the admin chose); a first install skips it.
    let guard = postinst.find("deb-systemd-helper debian-installed kiosk-serve.service");
    let enable = postinst.find("deb-systemd-helper enable kiosk-serve.service");
    assert!(
        !postinst.contains("deb-systemd-invoke start") && guard.is_some() && guard < enable,
        "a first install neither starts nor enables it:\n{postinst}"
    );
    let prerm = std::fs::read_to_string(scripts.join("prerm")).unwrap();
    assert!(prerm.contains("stop kiosk-serve.service"), "{prerm}");
}
