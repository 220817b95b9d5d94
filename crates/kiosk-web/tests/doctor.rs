//! `kiosk doctor` on the command line, for a person (issue 26, point 6): one line per finding,
//! each with what to do, and nothing else on the terminal; an exit status a script can act on;
//! nothing sent that cannot succeed. Each case is the whole output, as the operator reads it.

mod common;

use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, Simulator};

/// What one run printed: whether it exited 0, its standard output and its standard error.
struct Run {
    ok: bool,
    out: String,
    err: String,
}

async fn doctor(data_dir: &std::path::Path, args: &[&str], password: Option<&str>) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_kiosk"));
    command
        .arg("doctor")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("RUST_LOG")
        .env_remove("KIOSK_NEXUDUS_PASSWORD");
    if let Some(password) = password {
        command.env("KIOSK_NEXUDUS_PASSWORD", password);
    }
    let out = command.output().await.expect("kiosk doctor runs");
    Run {
        ok: out.status.success(),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `kiosk doctor --email EMAIL` against `base`, the password given.
async fn doctor_as(base: &str, email: &str, password: &str, more: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--email", email, "--api-base", base];
    args.extend_from_slice(more);
    doctor(dir.path(), &args, Some(password)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_account_passes_and_what_was_not_checked_says_so_with_how_to_check_it() {
    let sim = Simulator::start(SimConfig::quiet(50)).await.unwrap();
    let run = doctor_as(
        &sim.base_url(),
        DEMO_EMAIL,
        DEMO_PASSWORD,
        &["--location", "1001"],
    )
    .await;
    assert!(run.ok, "{}", run.out);
    assert_eq!(
        run.out,
        "\
ok   role Business-List: allowed
ok   role SimpleTimeZone-List: allowed
ok   location: Shoreditch Hub (1001): GMT Standard Time -> Europe/London
ok   role Coworker-List: allowed
ok   members: 50 in the account
ok   list answer fields: FullName and UpdatedOn are there (PINs come from whole records, as documented)
ok   role Coworker-Read: allowed
ok   batch answer fields: Teams and Businesses are there
ok   one-record answer: read; this member has no PIN (PINs come only from this answer)
ok   role CoworkerContract-List: allowed
ok   active contracts: 54 (members with a plan)
ok   role CoworkerTimePass-List: allowed
ok   unused passes: 8 (day passes and bundles members can check in with)
ok   \"Forgot your PIN?\": not offered: the account lists no command that e-mails a member their PIN (members who forget theirs ask at reception)
ok   role Checkin-List: allowed
skip role Checkin-Read: not checked: no check-in in the last week to read
ok   role FailedCheckin-List: allowed
ok   role Team-List: allowed
ok   role Visitor-List: allowed
skip roles Visitor-Read, Visitor-Create, Visitor-Edit: not checked: the doctor writes no visitor (invited guests need Visitor-Edit to sign in, walk-ins Visitor-Create)
skip roles Checkin-Create, Checkin-Edit, Checkin-Delete: not checked: the doctor writes nothing unless asked; what to do: to check them, run again with --write-test MEMBER_ID (a member who is out)
ok   records: every record read
The checks made 12 requests (0.2% of the hour's 5,000).
"
    );
    assert_eq!(run.err, "", "no log line among the findings");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_is_one_line_with_what_to_do_and_nothing_else_is_sent() {
    let sim = Simulator::start(SimConfig::quiet(20)).await.unwrap();
    let base = sim.base_url();

    let run = doctor_as(&base, DEMO_EMAIL, "not-the-password", &[]).await;
    assert!(!run.ok, "exit 1");
    assert_eq!(
        run.out,
        "FAIL login: Nexudus refused that e-mail and password; what to do: check both (the \
         password goes in KIOSK_NEXUDUS_PASSWORD)\nThe checks made 1 request (0.0% of the hour's \
         5,000).\n"
    );
    assert_eq!(run.err, "", "no log line, no error chain");

    let run = doctor_as(&base, "twofactor@demo.nexudus-sim.local", "twofactor", &[]).await;
    assert_eq!(
        run.out,
        "FAIL login: this account uses two-factor sign-in; what to do: run again with --totp \
         CODE, the code its authenticator app shows now\nThe checks made 1 request (0.0% of the \
         hour's 5,000).\n"
    );
    let run = doctor_as(
        &base,
        "twofactor@demo.nexudus-sim.local",
        "twofactor",
        &["--totp", "123456", "--location", "1001"],
    )
    .await;
    assert!(run.ok, "with the code it goes on: {}", run.out);

    let requests = sim.requests().len();
    let dir = tempfile::tempdir().unwrap();
    let run = doctor(
        dir.path(),
        &["--email", DEMO_EMAIL, "--api-base", &base],
        None,
    )
    .await;
    assert_eq!(
        run.out,
        "FAIL login: no password for kiosk@demo.nexudus-sim.local; what to do: put it in \
         KIOSK_NEXUDUS_PASSWORD (not on the command line)\nThe checks made 0 requests (0.0% of \
         the hour's 5,000).\n"
    );
    assert_eq!(
        sim.requests().len(),
        requests,
        "nothing sent without a password"
    );

    let run = doctor_as("http://127.0.0.1:9", DEMO_EMAIL, DEMO_PASSWORD, &[]).await;
    assert_eq!(
        run.out,
        "FAIL login: Nexudus could not be reached at http://127.0.0.1:9; what to do: check this \
         machine's network, or the address given with --api-base\nThe checks made 1 request \
         (0.0% of the hour's 5,000).\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_location_the_doctor_lists_the_accounts_locations_to_choose_from() {
    let sim = Simulator::start(SimConfig::quiet(20)).await.unwrap();
    let run = doctor_as(&sim.base_url(), DEMO_EMAIL, DEMO_PASSWORD, &[]).await;
    assert!(!run.ok);
    let line = run
        .out
        .lines()
        .find(|l| l.contains(" location:"))
        .expect("a location line");
    assert_eq!(
        line,
        "FAIL location: none chosen; the account has 1001 Shoreditch Hub, 1002 Lisbon Docks, \
         1003 Brooklyn Loft, 1004 Sydney Wharf; what to do: run again with --location ID (one of \
         those), or choose it on the kiosk's screen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_not_logged_in_gets_one_line_and_sends_nothing() {
    let sim = Simulator::start(SimConfig::quiet(20)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = doctor(dir.path(), &[], None).await;
    assert!(!run.ok);
    assert_eq!(
        run.out,
        "FAIL login: this kiosk is not logged in to Nexudus; what to do: log in on the kiosk's \
         screen (the first-run setup, or the staff panel), or give --email with the password in \
         KIOSK_NEXUDUS_PASSWORD\nThe checks made 0 requests (0.0% of the hour's 5,000).\n"
    );

    // Logged in once, the session since revoked: one line, after one read (and its renewal).
    let logged_in = common::joined_data_dir(&sim, 0).await;
    sim.revoke_tokens(None);
    let before = sim.requests().len();
    let run = doctor(logged_in.path(), &[], None).await;
    assert!(!run.ok);
    assert_eq!(
        run.out,
        "FAIL login: the kiosk's Nexudus login has ended (a password change, or it was signed \
         out); what to do: log in again on the kiosk's screen (staff panel, Account), or give \
         --email\nThe checks made 1 request (0.0% of the hour's 5,000).\n"
    );
    let sent: Vec<String> = sim.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        sent.iter().filter(|p| *p != "/api/token").count() <= 1,
        "one read, not one a check: {sent:?}"
    );
}
