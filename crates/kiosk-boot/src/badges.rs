//! Printing visitors' badges beside the kiosk (issue 28): one task sends queued badges to the
//! printer as soon as one is queued, another reads the printer's condition every half minute
//! and when the settings change (a printer that does not answer takes seconds to say so, and
//! must never hold a badge back). Both faces run them; the badges and their states are the
//! core's ([`kiosk::services::Badges`]), the printer the `printing` crate's.

use std::time::Duration;

use futures::future::BoxFuture;
use kiosk::Kiosk;
use kiosk::domain::badges::{LabelSize, PrinterCondition};
use kiosk::services::BadgePrinter;
use tracing::warn;

/// How long the printing task waits for a badge to be queued before it looks anyway (a badge
/// left queued by a round that stopped midway is printed then, if still worth it).
const PRINT_AT_LEAST_EVERY: Duration = Duration::from_secs(30);
/// How often the printer's condition is read.
const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Badge printers over IPP.
#[derive(Debug, Clone, Copy, Default)]
pub struct IppPrinters;

impl BadgePrinter for IppPrinters {
    fn print<'a>(
        &'a self,
        address: &'a str,
        pdf: Vec<u8>,
        label: LabelSize,
        title: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let printer = printing::Printer::new(address).map_err(|e| e.to_string())?;
            let media = label.pwg_media();
            printer
                .print_pdf(pdf, media, title)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }

    fn condition<'a>(&'a self, address: &'a str) -> BoxFuture<'a, PrinterCondition> {
        Box::pin(async move {
            let Ok(printer) = printing::Printer::new(address) else {
                return PrinterCondition::Unreachable;
            };
            match printer.condition().await {
                printing::Condition::Ready => PrinterCondition::Ready,
                printing::Condition::OutOfMedia => PrinterCondition::OutOfMedia,
                printing::Condition::Stopped => PrinterCondition::Stopped,
                printing::Condition::Unreachable => PrinterCondition::Unreachable,
            }
        })
    }
}

/// The two tasks; both end when this is dropped (a badge mid-print stays "printing", for
/// reception to reprint).
#[derive(Debug)]
pub struct BadgeTasks(Vec<tokio::task::AbortHandle>);

impl Drop for BadgeTasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Starts printing `kiosk`'s badges over IPP, checking the printer every half minute.
pub fn start(kiosk: &Kiosk) -> BadgeTasks {
    let k = kiosk.clone();
    let printing = tokio::spawn(async move {
        loop {
            if let Err(e) = k.badges().print_queued(&IppPrinters).await {
                warn!(error = %e, "queued badges could not be printed");
            }
            // A badge queued while this round printed is not missed: the wake is kept for the
            // next wait.
            let _ = tokio::time::timeout(PRINT_AT_LEAST_EVERY, k.badges().queued()).await;
        }
    });
    let k = kiosk.clone();
    let mut events = kiosk.subscribe();
    let checking = tokio::spawn(async move {
        loop {
            k.badges().check_printer(&IppPrinters).await;
            // Again after the half minute, or at once when staff change the settings (a new
            // printer is read before anyone asks the desk).
            let wait = tokio::time::sleep(CHECK_EVERY);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = &mut wait => break,
                    event = events.recv() => match event {
                        Ok(kiosk::Event::SettingsChanged) => break,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                        _ => {}
                    },
                }
            }
        }
    });
    BadgeTasks(vec![printing.abort_handle(), checking.abort_handle()])
}
