//! The doctor's report: one line per check (what was checked, what it found), what the checks
//! cost, and the report as the command line prints it. Also the one-line reports of a login
//! that stops the checks before they start.

use nexudus::ApiError;
use serde::Serialize;

use super::found::{Check, Found};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    Ok,
    Fail,
    /// Not checked (it would write, or it could not be told): the line says why.
    NotChecked,
}

/// One check and what it found, as codes and values (the faces word them; what to do follows
/// from what was found).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DoctorLine {
    pub check: Check,
    pub finding: Finding,
    pub found: Found,
}

impl DoctorLine {
    pub fn failed(&self) -> bool {
        self.finding == Finding::Fail
    }

    /// What was found, in English (the command line's words).
    pub fn detail(&self) -> String {
        self.found.english()
    }

    /// What to do, in English, where something is wrong or was not checked.
    pub fn fix(&self) -> Option<String> {
        self.found.english_fix()
    }
}

/// Every check, and what they cost of the account's request budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DoctorReport {
    pub lines: Vec<DoctorLine>,
    /// Requests the checks made.
    pub requests: u32,
    /// The same as a share of the 5,000 requests an hour Nexudus allows a client.
    pub share_of_hourly_budget: String,
}

impl DoctorReport {
    /// Whether no check failed (some may not have been made).
    pub fn all_ok(&self) -> bool {
        !self.lines.iter().any(DoctorLine::failed)
    }

    pub(super) fn new(lines: Vec<DoctorLine>, requests: u32) -> Self {
        Self {
            lines,
            requests,
            share_of_hourly_budget: share(requests),
        }
    }

    /// A report of one finding that ends the checks (no login): nothing else could succeed.
    pub fn stopped(line: DoctorLine, requests: u32) -> Self {
        Self {
            lines: vec![line],
            requests,
            share_of_hourly_budget: share(requests),
        }
    }

    /// The report as the command line prints it: one line per finding, with what to do, then
    /// what the checks cost.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for l in &self.lines {
            let mark = match l.finding {
                Finding::Ok => "ok  ",
                Finding::Fail => "FAIL",
                Finding::NotChecked => "skip",
            };
            let _ = write!(out, "{mark} {}: {}", l.check.english(), l.detail());
            if let Some(fix) = l.fix() {
                let _ = write!(out, "; what to do: {fix}");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "The checks made {} request{} ({} of the hour's 5,000).",
            self.requests,
            if self.requests == 1 { "" } else { "s" },
            self.share_of_hourly_budget
        );
        out
    }
}

/// `requests` as a share of the hour's budget ("0.3%").
fn share(requests: u32) -> String {
    format!(
        "{:.1}%",
        f64::from(requests) * 100.0 / f64::from(HOURLY_BUDGET)
    )
}

/// Why a login (the doctor's own, or the kiosk's stored one) did not work, and what to do: the
/// one finding before anything else can be checked.
pub fn login_finding(e: &ApiError, base_url: &str) -> DoctorLine {
    login_failed(Found::of_login(e, base_url))
}

/// An account was given on the command line without its password.
pub fn no_password(email: &str) -> DoctorLine {
    login_failed(Found::NoPassword {
        email: email.to_owned(),
    })
}

/// The kiosk holds no login and none was given.
pub fn no_login() -> DoctorLine {
    login_failed(Found::NoLogin)
}

fn login_failed(found: Found) -> DoctorLine {
    DoctorLine {
        check: Check::Login,
        finding: Finding::Fail,
        found,
    }
}

const HOURLY_BUDGET: u32 = 5000;
