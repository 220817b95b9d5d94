//! Badge printers over IPP (issue 28): a label printer is an IPP printer, either driverless
//! (IPP Everywhere, `ipp://printer.local:631/ipp/print`) or a CUPS queue that drives it
//! (`ipp://localhost:631/printers/Brother_QL_820NWB`): one client prints a PDF on the label
//! size staff chose and reads the printer's state for the desk. What the state means for a
//! person at reception is decided by [`Condition::of`], from values alone.

use std::time::Duration;

use ipp::attribute::IppAttrWithName;
use ipp::prelude::*;
use serde::{Deserialize, Serialize};

/// A printer that has not answered within this long is unreachable.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// Why a print or a question to the printer failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("{0:?} is not a printer's address (ipp://host:port/path)")]
    NotAnAddress(String),
    #[error("the printer does not answer: {0}")]
    Unreachable(String),
    #[error("the printer refused the job: {0}")]
    Refused(String),
}

/// The printer's own state (RFC 8011 `printer-state`) and its reasons
/// (`printer-state-reasons`: `media-empty`, `media-jam`, `paused`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    pub state: i32,
    pub reasons: Vec<String>,
    /// The media it says it can print on (`media-supported`).
    pub media: Vec<String>,
}

/// `printer-state` of a printer that has stopped (RFC 8011: 3 idle, 4 processing, 5 stopped).
const STOPPED: i32 = 5;

/// What reception needs to know of the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// It takes jobs (idle or printing).
    Ready,
    /// Out of labels (or the roll is not the one it needs).
    OutOfMedia,
    /// Stopped: paused, a jam, a door open, an error it reports.
    Stopped,
    /// It does not answer.
    Unreachable,
}

impl Condition {
    /// Reception's view of what the printer said: no labels first (the commonest and the one
    /// staff can fix; whatever its suffix, as printers report it as an error or a mere
    /// report), then stopped by its state or a reason that stops it, else ready.
    pub fn of(status: &PrinterStatus) -> Self {
        if status
            .reasons
            .iter()
            .any(|r| r.starts_with("media-empty") || r.starts_with("media-needed"))
        {
            return Self::OutOfMedia;
        }
        // A reason ends in -report or -warning when it stops nothing.
        let stopping = |r: &&String| !r.ends_with("-report") && !r.ends_with("-warning");
        let reasons: Vec<&String> = status.reasons.iter().filter(stopping).collect();
        let stops = |r: &&&String| !r.starts_with("none") && !r.starts_with("moving-to-paused");
        if status.state == STOPPED || reasons.iter().any(|r| stops(&r)) {
            return Self::Stopped;
        }
        Self::Ready
    }
}

/// An IPP printer at an address.
pub struct Printer {
    uri: Uri,
    client: AsyncIppClient,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

fn refused(response: &IppRequestResponse) -> Option<PrintError> {
    let status = response.header().status_code();
    (!status.is_success()).then(|| {
        let said = response
            .attributes()
            .groups_of(DelimiterTag::OperationAttributes)
            .find_map(|g| g.get("status-message"))
            .map(|a| a.value().to_string());
        PrintError::Refused(said.unwrap_or_else(|| format!("{status:?}")))
    })
}

impl Printer {
    /// The printer at `address` (`ipp://`, or `http://` for one that takes IPP over plain HTTP).
    pub fn new(address: &str) -> Result<Self, PrintError> {
        // The HTTP client panics without a process-wide TLS provider where its reqwest was
        // built without one (the desktop app's updater asks for that): ring, as the rest of
        // the kiosk uses. A provider installed already stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let uri: Uri = address
            .trim()
            .parse()
            .map_err(|_| PrintError::NotAnAddress(address.to_owned()))?;
        if !matches!(uri.scheme_str(), Some("ipp" | "http")) || uri.host().is_none() {
            return Err(PrintError::NotAnAddress(address.to_owned()));
        }
        let client = AsyncIppClient::builder(uri.clone())
            .request_timeout(ANSWER_WITHIN)
            .build();
        Ok(Self { uri, client })
    }

    async fn send(
        &self,
        request: impl ipp::operation::IppOperation,
    ) -> Result<IppRequestResponse, PrintError> {
        let response = tokio::time::timeout(ANSWER_WITHIN, self.client.send(request))
            .await
            .map_err(|_| PrintError::Unreachable("no answer in time".into()))?
            .map_err(|e| PrintError::Unreachable(e.to_string()))?;
        match refused(&response) {
            Some(e) => Err(e),
            None => Ok(response),
        }
    }

    /// Prints `pdf` on `media` (a PWG media name, `om_62x29mm_62x29mm`) as job `title`;
    /// answers the printer's job id once it has taken the job.
    pub async fn print_pdf(
        &self,
        pdf: Vec<u8>,
        media: &str,
        title: &str,
    ) -> Result<i32, PrintError> {
        let media = IppValue::new_keyword(media)
            .and_then(|v| v.with_name("media"))
            .map_err(|e| PrintError::Refused(e.to_string()))?;
        let request = IppOperationBuilder::print_job(
            self.uri.clone(),
            IppPayload::new(std::io::Cursor::new(pdf)),
        )
        .job_title(title)
        .user_name("kiosk")
        .document_format("application/pdf")
        .attribute(media)
        .build()
        .map_err(|e| PrintError::Refused(e.to_string()))?;
        let response = self.send(request).await?;
        response
            .attributes()
            .groups_of(DelimiterTag::JobAttributes)
            .find_map(|g| g.get("job-id"))
            .and_then(|a| a.value().as_integer().copied())
            .ok_or_else(|| PrintError::Refused("the printer answered no job id".into()))
    }

    /// What the printer says of itself now.
    pub async fn status(&self) -> Result<PrinterStatus, PrintError> {
        let request = IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes(["printer-state", "printer-state-reasons", "media-supported"])
            .build()
            .map_err(|e| PrintError::Refused(e.to_string()))?;
        let response = self.send(request).await?;
        let group = response
            .attributes()
            .groups_of(DelimiterTag::PrinterAttributes)
            .next()
            .ok_or_else(|| PrintError::Refused("no printer attributes".into()))?;
        let words = |name: &str| -> Vec<String> {
            group
                .get(name)
                .map(|a| a.value().into_iter().map(ToString::to_string).collect())
                .unwrap_or_default()
        };
        let state = group
            .get("printer-state")
            .and_then(|a| a.value().as_enum().copied())
            .unwrap_or(3);
        Ok(PrinterStatus {
            state,
            reasons: words("printer-state-reasons"),
            media: words("media-supported"),
        })
    }

    /// [`Condition::of`] what the printer says, or unreachable.
    pub async fn condition(&self) -> Condition {
        match self.status().await {
            Ok(status) => Condition::of(&status),
            Err(_) => Condition::Unreachable,
        }
    }
}

#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(test)]
mod tests;
