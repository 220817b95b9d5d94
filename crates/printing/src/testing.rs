//! A real IPP printer for tests: CUPS's `ippeveprinter` (Debian's cups-ipp-utils), started on
//! a port of its own, with a command that keeps every job it prints (the PDF and the job's
//! attributes, which ippeveprinter hands the command as `IPP_*` variables). ippeveprinter
//! announces itself over DNS-SD and will not start without Avahi: [`test_printer`] starts the
//! system bus and avahi-daemon where they are not running (root, as CI is). For this crate's
//! tests and, with the `testing` feature, other crates'.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Media a Brother QL or a DYMO lists, as the test printer lists them.
const ATTRIBUTES: &str = "ATTR mimeMediaType document-format-supported application/pdf,application/octet-stream
ATTR mimeMediaType document-format-default application/octet-stream
ATTR keyword media-supported om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTR keyword media-default om_62x29mm_62x29mm
ATTR keyword media-ready om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTR keyword media-source-supported main-roll
ATTR keyword media-type-supported labels
ATTR collection media-col-ready {
  MEMBER collection media-size { MEMBER integer x-dimension 6200 MEMBER integer y-dimension 2900 }
  MEMBER keyword media-source main-roll
  MEMBER keyword media-type labels
}
ATTR octetString printer-input-tray \"type=continuousRoll;mediafeed=0;mediaxfeed=0;maxcapacity=-2;level=-2;status=0;name=main-roll;\"
";

/// Keeps each job: its PDF as job-N.pdf and its attributes as job-N.env.
const KEEP_JOB: &str = "#!/bin/sh\nenv | grep '^IPP_' > \"$KEEP/job-$IPP_JOB_ID.env\"\ncp \"$1\" \"$KEEP/job-$IPP_JOB_ID.pdf\"\n";

fn running(name: &str) -> bool {
    Command::new("pgrep")
        .args(["-x", name])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The system bus and Avahi, started where they do not run (ippeveprinter needs Avahi).
fn avahi() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        if !running("dbus-daemon") {
            let _ = std::fs::create_dir_all("/run/dbus");
            let _ = Command::new("dbus-daemon")
                .args(["--system", "--fork"])
                .status();
        }
        if !running("avahi-daemon") {
            let started = Command::new("avahi-daemon")
                .args(["-D", "--no-chroot", "--no-drop-root"])
                .status();
            assert!(
                started.is_ok_and(|s| s.success()),
                "avahi-daemon (scripts/setup.sh installs it; the test starts it as root)"
            );
        }
    });
}

/// An ippeveprinter on a free port, and the folder its jobs are kept in; stopped when dropped.
#[derive(Debug)]
pub struct TestPrinter {
    child: Child,
    pub port: u16,
    /// Its IPP address.
    pub address: String,
    /// Where its jobs are kept.
    pub kept: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn test_printer() -> TestPrinter {
    avahi();
    let dir = tempfile::tempdir().unwrap();
    let (conf, script, kept, spool) = (
        dir.path().join("printer.conf"),
        dir.path().join("keep-job"),
        dir.path().join("kept"),
        dir.path().join("spool"),
    );
    std::fs::write(&conf, ATTRIBUTES).unwrap();
    std::fs::write(&script, KEEP_JOB).unwrap();
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::create_dir_all(&spool).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let port = free_port();
    let child = Command::new("ippeveprinter")
        .arg("-p")
        .arg(port.to_string())
        .arg("-a")
        .arg(&conf)
        .arg("-c")
        .arg(&script)
        .arg("-d")
        .arg(&spool)
        .arg("-k")
        .arg(format!("Badges {port}"))
        .env("KEEP", &kept)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ippeveprinter (cups-ipp-utils, scripts/setup.sh)");
    let until = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "ippeveprinter listens on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    TestPrinter {
        child,
        port,
        address: format!("ipp://127.0.0.1:{port}/ipp/print"),
        kept,
        _dir: dir,
    }
}

/// Waits for job `id`'s kept attributes (the command runs once the job is processed).
pub fn kept_job(kept: &Path, id: i32) -> (String, Vec<u8>) {
    let until = Instant::now() + Duration::from_secs(10);
    let env = kept.join(format!("job-{id}.env"));
    while !env.exists() {
        assert!(Instant::now() < until, "job {id} printed");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    (
        std::fs::read_to_string(env).unwrap(),
        std::fs::read(kept.join(format!("job-{id}.pdf"))).unwrap(),
    )
}

/// Sets how many labels the test printer's roll has left, as its own web page does.
pub fn labels_left(test: &TestPrinter, level: i32) {
    let page = format!(
        "GET /media?size0=om_62x29mm_62x29mm&type0=labels&level0={level} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    );
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", test.port)).unwrap();
    std::io::Write::write_all(&mut stream, page.as_bytes()).unwrap();
    // The status line is enough; the printer keeps the connection open after the page.
    let mut first = [0u8; 12];
    std::io::Read::read_exact(&mut stream, &mut first).unwrap();
    let answer = String::from_utf8_lossy(&first);
    assert!(answer.ends_with(" 200"), "{answer}");
}
