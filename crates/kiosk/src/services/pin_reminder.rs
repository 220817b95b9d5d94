//! "Forgot your PIN?" at the PIN pad: Nexudus e-mails the member their PIN. The answer is the
//! same whether or not the address is a member's (the look-up runs after the answer), requests
//! are limited per kiosk, and it is offered only online, where the account has such a command.

use std::sync::Arc;

use super::Members;
use super::walk_ins::plausible_email;
use crate::error::{Invalid, KioskError};

impl Members {
    /// Asks Nexudus to e-mail the member whose address is `email` their PIN. Answers at once,
    /// the same for any address: whether one matched is never told here.
    pub fn pin_reminder(&self, email: &str) -> Result<(), KioskError> {
        let email = email.trim();
        if email.len() > 254 || !plausible_email(email) {
            return Err(Invalid::new("email", "is not an e-mail address").into());
        }
        let key = self
            .shared
            .pin_reminder_command()?
            .ok_or(KioskError::ReminderUnavailable)?;
        if let Err(not_until) = self.shared.pin_reminders.check() {
            use governor::clock::Clock as _;
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            return Err(KioskError::TooManyReminders {
                seconds: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX).max(1),
            });
        }
        let shared = Arc::clone(&self.shared);
        let email = email.to_owned();
        tokio::spawn(async move {
            crate::sync::send_pin_reminder(&shared, &key, &email).await;
        });
        Ok(())
    }
}
