//! Visitors' badges (issue 28): a badge is queued in the arrival's own transaction (where a
//! printer is set), made here as a PDF (the `badge` crate) and sent to the printer by the
//! face's [`BadgePrinter`] in a round `kiosk-boot` runs beside the sign-in as soon as a badge
//! is queued ([`Badges::queued`]), never in it: sign-in never waits for a printer. How each
//! print went is kept for the desk, which reprints; the printer's condition is kept for the
//! desk, the metrics and paired kiosks.

use std::sync::Arc;

use futures::future::BoxFuture;
use uuid::Uuid;

use super::Staff;
use crate::domain::badges::{
    self, BadgePrint, LabelSize, PrintState, PrinterCondition, ScreenBadge, still_worth_printing,
};
use crate::domain::events::Event;
use crate::domain::model::VisitorRow;
use crate::domain::settings::Settings;
use crate::error::{KioskError, StoreError};
use crate::shared::Shared;
use crate::store::SettingKey;

/// How a face prints: an IPP printer at an address (`kiosk-boot` lends the `printing`
/// crate's).
pub trait BadgePrinter: Send + Sync {
    /// Prints `pdf` on `label`s at `address`; `Err` says why the printer did not take it.
    fn print<'a>(
        &'a self,
        address: &'a str,
        pdf: Vec<u8>,
        label: LabelSize,
        title: &'a str,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// What the printer at `address` says of itself now.
    fn condition<'a>(&'a self, address: &'a str) -> BoxFuture<'a, PrinterCondition>;
}

/// The badges' service. Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Badges {
    shared: Arc<Shared>,
}

impl Badges {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// What a visitor's badge says: name, company, the host's name, the arrival's date and time
    /// at the location (`settings`' zone), and what its QR code holds.
    fn lines(&self, v: &VisitorRow, settings: &Settings) -> ScreenBadge {
        let tz = settings
            .location
            .as_ref()
            .map_or(chrono_tz::UTC, crate::domain::settings::Location::tz);
        let arrived = v.arrived_at.unwrap_or_else(|| self.shared.clock.now());
        ScreenBadge {
            name: v.full_name.clone(),
            company: v.walk_in.as_ref().and_then(|w| w.company.clone()),
            host: v.host_name.clone(),
            date: arrived
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            qr: badges::qr_text(v.local_id),
        }
    }

    /// A visitor's badge as a PDF on the kiosk's label size, for the printer.
    pub fn pdf(&self, v: &VisitorRow) -> Result<Vec<u8>, KioskError> {
        let settings = self.shared.settings();
        let lines = self.lines(v, &settings);
        let (logo, photo) = self.shared.store.read(|tx| {
            Ok::<_, StoreError>((
                tx.get_setting(SettingKey::BrandLogo)?,
                tx.visitor_photo(v.local_id)?,
            ))
        })?;
        let logo = logo.and_then(|url| crate::domain::brand::logo_bytes(&url));
        let host = lines
            .host
            .as_deref()
            .map(|h| badges::host_line(settings.language.as_deref(), h));
        let badge = badge::Badge {
            name: &lines.name,
            company: lines.company.as_deref(),
            host: host.as_deref(),
            date: &lines.date,
            logo: logo.as_deref(),
            // Taken at sign-in where staff ask for photos (62 x 29 mm labels have no room).
            photo: photo.as_deref(),
            qr: &lines.qr,
        };
        badge::render(&badge, settings.visitors.badge_label)
            .map_err(|e| StoreError::Data(format!("the badge could not be made: {e}")).into())
    }

    /// A visitor's badge for their own screen (a tablet without a printer, or a badge the
    /// printer did not take), asked with the visit only their own sign-in answered, for a
    /// visitor here today who signed in; its QR code as an SVG `data:` image.
    pub fn on_screen(&self, visit: Uuid) -> Result<ScreenBadge, KioskError> {
        use base64::Engine;
        let location = self.shared.location()?;
        let since = self.shared.clock.now() - crate::domain::model::VISITORS_DAY;
        let v = self
            .shared
            .store
            .read(|tx| tx.visitor(visit))?
            .filter(|v| {
                v.location_id == location.id
                    && v.expected_arrival >= since
                    && v.arrived_at.is_some()
            })
            .ok_or(KioskError::UnknownCode)?;
        let mut badge = self.lines(&v, &self.shared.settings());
        let svg = badge::qr_svg(&badge.qr)
            .map_err(|e| StoreError::Data(format!("the badge could not be made: {e}")))?;
        badge.qr = format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        );
        Ok(badge)
    }

    /// Prints every queued badge through `printer`, the oldest first; answers how many the
    /// printer took. A badge queued too long ago (the kiosk was off) is marked failed instead.
    pub async fn print_queued(&self, printer: &dyn BadgePrinter) -> Result<usize, KioskError> {
        let settings = self.shared.settings();
        let Some(address) = settings.visitors.printer().map(str::to_owned) else {
            return Ok(0);
        };
        let mut taken = 0;
        for (visit, queued_at) in self.shared.store.read(|tx| tx.queued_badges())? {
            let now = self.shared.clock.now();
            let Some(v) = self.shared.store.read(|tx| tx.visitor(visit))? else {
                continue;
            };
            if !still_worth_printing(queued_at, now) {
                self.outcome(
                    visit,
                    &Err("not printed within minutes of the arrival".into()),
                )?;
                continue;
            }
            self.shared
                .store
                .write(|tx| tx.set_badge(visit, PrintState::Printing, None, now))?;
            let pdf = self.pdf(&v)?;
            // The job's title is in the printer's (and CUPS's) logs: no name, no visit.
            let sent = printer
                .print(
                    &address,
                    pdf,
                    settings.visitors.badge_label,
                    "Visitor badge",
                )
                .await;
            taken += usize::from(sent.is_ok());
            self.outcome(visit, &sent)?;
        }
        Ok(taken)
    }

    fn outcome(&self, visit: Uuid, sent: &Result<(), String>) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let (state, error) = match sent {
            Ok(()) => (PrintState::Printed, None),
            Err(e) => (
                PrintState::Failed,
                Some(crate::domain::fold::printable(e, 200)),
            ),
        };
        self.shared
            .store
            .write(|tx| tx.set_badge(visit, state, error.as_deref(), now))?;
        if let Some(e) = &error {
            tracing::warn!(error = %e, "a badge did not print: reception has it to make");
        }
        self.shared.emit(Event::BadgePrinted {
            visit,
            printed: sent.is_ok(),
        });
        Ok(())
    }

    /// Reads the printer's condition through `printer` and keeps it; none without a printer.
    pub async fn check_printer(&self, printer: &dyn BadgePrinter) -> Option<PrinterCondition> {
        let address = self.shared.settings().visitors.printer().map(str::to_owned);
        let condition = match address {
            Some(address) => Some(printer.condition(&address).await),
            None => None,
        };
        *self.shared.printer.lock().unwrap() = condition;
        condition
    }

    /// The printer's condition as last read.
    pub fn printer(&self) -> Option<PrinterCondition> {
        *self.shared.printer.lock().unwrap()
    }

    /// The badges of the visitors kept on the device, the newest first (staff only).
    pub fn prints(&self, _staff: &Staff) -> Result<Vec<BadgePrint>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.badge_prints(200))?)
    }

    /// Staff ask for a visitor's badge again: printed at the next round.
    pub fn reprint(&self, staff: &Staff, visit: Uuid) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let known = self.shared.store.write(|tx| {
            let Some(v) = tx.visitor(visit)? else {
                return Ok::<_, StoreError>(false);
            };
            tx.requeue_badge(visit, now)?;
            tx.audit(
                now,
                "badge_reprinted",
                &format!(
                    "visit {}, by staff at the {}",
                    v.local_id,
                    staff.caller().describe()
                ),
            )?;
            Ok(true)
        })?;
        if !known {
            return Err(KioskError::Invalid(crate::error::Invalid::new(
                "visit",
                "no visitor kept on this kiosk has that visit",
            )));
        }
        self.shared.badge_queued.notify_one();
        Ok(())
    }

    /// Until a badge is queued (at once if one was since the last wait): the printing task's
    /// wake, so that it reads the queue when there is something in it rather than on a timer.
    pub async fn queued(&self) {
        self.shared.badge_queued.notified().await;
    }
}

#[cfg(test)]
mod tests;
