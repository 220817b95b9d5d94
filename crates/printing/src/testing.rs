//! A real IPP printer for tests: `scripts/test-printer.sh` (CUPS's `ippeveprinter` with the
//! label sizes label printers list, keeping every job it prints, and Avahi started where it does
//! not run), on a port of its own. For this crate's tests and, with the `testing` feature, other
//! crates'. The browser tests run the same script.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-printer.sh");
    let port = free_port();
    let child = Command::new("bash")
        .arg(&script)
        .arg(port.to_string())
        .arg(&kept)
        .stdout(Stdio::null())
        .spawn()
        .expect("bash runs scripts/test-printer.sh");
    // Made first so that a printer that never listens is still stopped when the test fails.
    let mut printer = TestPrinter {
        child,
        port,
        address: format!("ipp://127.0.0.1:{port}/ipp/print"),
        kept,
        _dir: dir,
    };
    let until = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = printer.child.try_wait() {
            let log = std::fs::read_to_string(printer.kept.join("printer.log")).unwrap_or_default();
            panic!("scripts/test-printer.sh stopped ({status}) before the printer listened: {log}");
        }
        assert!(Instant::now() < until, "ippeveprinter listens on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    printer
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
